package dev.sluice.workers.ai.templates;

/** A template rendered for one job: what the model is sent. {@code system} is null for none. */
public record RenderedPrompt(String template, String system, String user) {
}
