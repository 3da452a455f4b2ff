package dev.sluice.workers.idempotency.exception;

/** The idempotency table could not be read or written, or held something this code did not write. */
public final class IdempotencyPersistenceException extends RuntimeException {

    public IdempotencyPersistenceException(String message, Throwable cause) {
        super(message, cause);
    }

    public IdempotencyPersistenceException(String message) {
        super(message);
    }
}
