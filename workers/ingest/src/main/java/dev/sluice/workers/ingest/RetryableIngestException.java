package dev.sluice.workers.ingest;

import dev.sluice.core.failure.PortFailure;

/**
 * A failure that may pass (throttling, an index outage, an S3 hiccup): the state machine's Retry
 * names this class, so the step runs again with backoff and jitter. Once retries run out the
 * document FAILS with {@code code}.
 */
public final class RetryableIngestException extends PortFailure {

    public RetryableIngestException(String code, String message, Throwable cause) {
        super(code, Failure.onTheWire(code, message), true, cause);
    }
}
