package dev.sluice.core.ai;

/** The tokens a call consumed, of each kind its price distinguishes. */
public record TokenUsage(int inputTokens, int outputTokens, int cacheReadTokens, int cacheWriteTokens) {

    public static final TokenUsage NONE = new TokenUsage(0, 0, 0, 0);

    public int total() {
        return inputTokens + outputTokens + cacheReadTokens + cacheWriteTokens;
    }
}
