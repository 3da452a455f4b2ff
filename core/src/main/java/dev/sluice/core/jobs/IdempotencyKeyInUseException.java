package dev.sluice.core.jobs;

/** Another request with the same Idempotency-Key is being processed right now: the client should retry. */
public final class IdempotencyKeyInUseException extends RuntimeException {

    public IdempotencyKeyInUseException() {
        super("another request with this Idempotency-Key is in progress; retry it shortly");
    }
}
