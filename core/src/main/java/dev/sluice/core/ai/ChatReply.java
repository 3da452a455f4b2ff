package dev.sluice.core.ai;

/**
 * A model's answer, labelled with who produced it; {@code generative} is false for the offline
 * local provider, so nobody mistakes its text for a model's.
 */
public record ChatReply(String text, String provider, String model, boolean generative, int inputTokens,
        int outputTokens) {
}
