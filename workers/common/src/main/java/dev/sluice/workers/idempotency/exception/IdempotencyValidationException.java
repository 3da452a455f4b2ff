package dev.sluice.workers.idempotency.exception;

/**
 * The key was used before with a different payload. Permanent: the same key names two different
 * requests, so replaying the stored result would answer the wrong one.
 */
public final class IdempotencyValidationException extends RuntimeException {

    public IdempotencyValidationException(String message) {
        super(message);
    }
}
