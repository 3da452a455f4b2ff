package dev.sluice.core.ai;

/** A Bedrock guardrail a route applies: its id and version (a number or {@code DRAFT}). */
public record Guardrail(String id, String version) {
}
