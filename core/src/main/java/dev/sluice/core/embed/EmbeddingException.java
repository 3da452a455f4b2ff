package dev.sluice.core.embed;

/** An embedding that failed; {@link #retryable()} says whether trying again can help. */
public final class EmbeddingException extends RuntimeException {

    private final boolean retryable;

    public EmbeddingException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }
}
