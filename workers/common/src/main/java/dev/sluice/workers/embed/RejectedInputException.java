package dev.sluice.workers.embed;

import dev.sluice.core.embed.Embedder;
import dev.sluice.core.failure.PortFailure;

/**
 * A text the model cannot take: over its input window, or with nothing to read ({@code tokens} 0).
 * Permanent, coded {@link Embedder#FAILED}; the API answers it with a 400 naming the query.
 */
public final class RejectedInputException extends PortFailure {

    private final int index;
    private final int tokens;
    private final int maxTokens;

    RejectedInputException(String modelId, int index, int tokens, int maxTokens, boolean estimated) {
        super(Embedder.FAILED, tokens == 0 ? "text " + index + " has no tokens to embed"
                : "text " + index + " has " + (estimated ? "about " : "") + tokens + " tokens; " + modelId
                        + " takes at most " + maxTokens, false, null);
        this.index = index;
        this.tokens = tokens;
        this.maxTokens = maxTokens;
    }

    /** The position of the text in the batch. */
    public int index() {
        return index;
    }

    /** The text's tokens, 0 when it has nothing to read. */
    public int tokens() {
        return tokens;
    }

    public int maxTokens() {
        return maxTokens;
    }
}
