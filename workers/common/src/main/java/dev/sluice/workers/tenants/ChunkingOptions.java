package dev.sluice.workers.tenants;

/**
 * How documents are cut: at most {@code maxTokens} tokens a chunk, neighbours sharing about
 * {@code overlapTokens} so a sentence cut by a boundary is still whole in one of them.
 */
public record ChunkingOptions(Strategy strategy, int maxTokens, int overlapTokens) {

    /** 300 tokens with 15 % overlap: small enough to be specific, large enough to carry context. */
    public static final ChunkingOptions DEFAULTS = new ChunkingOptions(Strategy.FIXED, 300, 45);

    public enum Strategy {
        /**
         * Consecutive windows of up to {@code maxTokens} tokens, each starting about {@code overlapTokens}
         * before the last ended, both ends moved to the nearest word boundary inside the window.
         */
        FIXED,
        /** Paragraphs, else sentences, else words, else tokens, neighbours merged up to {@code maxTokens}. */
        RECURSIVE
    }

    public ChunkingOptions {
        if (strategy == null) {
            throw new IllegalArgumentException("strategy is required");
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be positive: " + maxTokens);
        }
        if (overlapTokens < 0 || overlapTokens >= maxTokens) {
            throw new IllegalArgumentException(
                    "overlapTokens must be in [0, maxTokens): " + overlapTokens + " with maxTokens " + maxTokens);
        }
    }
}
