package dev.sluice.workers.idempotency.exception;

/**
 * Another run holds the key and has not yet run out of time. Transient: let the message fail so it
 * is redelivered, by which time that run has either finished (its result is replayed) or expired.
 */
public final class IdempotencyAlreadyInProgressException extends RuntimeException {

    public IdempotencyAlreadyInProgressException(String message) {
        super(message);
    }
}
