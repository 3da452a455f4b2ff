package dev.sluice.workers.email;

/** A template filled in with one message's data; {@code html} is null when the template has none. */
public record RenderedEmail(String subject, String text, String html) {
}
