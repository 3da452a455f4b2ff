package dev.sluice.workers.ai.batch;

/**
 * A step of the batch state machine failed in a way that may pass on a later try (throttling, a 5xx,
 * no answer): the name its Retry is written against. Anything else a step throws is caught into
 * ReturnOnDemand at once.
 */
public final class RetryableBatchException extends RuntimeException {

    RetryableBatchException(String message, Throwable cause) {
        super(message, cause);
    }
}
