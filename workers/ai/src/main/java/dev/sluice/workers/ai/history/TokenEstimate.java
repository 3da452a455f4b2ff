package dev.sluice.workers.ai.history;

/**
 * A rough token count, before any model has counted: one token per four characters, rounded up,
 * which is close for English text with Claude's and most BPE tokenizers and errs high for short
 * words. Budgets reserve on it and settle on the model's own count, so an error here only moves
 * how much is held for a moment, never what is charged.
 */
public final class TokenEstimate {

    private TokenEstimate() {
    }

    public static int of(String text) {
        return text == null ? 0 : (text.length() + 3) / 4;
    }
}
