package dev.sluice.core.search;

/** The index could not be reached or refused the request for a reason that may pass: retryable. */
public final class IndexUnavailableException extends RuntimeException {

    public IndexUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
