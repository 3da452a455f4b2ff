package dev.sluice.workers.ingest;

import dev.sluice.core.failure.PortFailure;
import dev.sluice.workers.documents.DocumentRejectedException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * Sorts whatever a step threw into the two failures the state machine knows, by the one way every
 * port says it ({@link PortFailure}): retry, or give up.
 */
final class IngestFailures {

    private IngestFailures() {
    }

    static PortFailure classify(Exception e) {
        return switch (e) {
            case PermanentIngestException p -> p;
            case RetryableIngestException r -> r;
            case DocumentRejectedException rejected -> new PermanentIngestException(rejected.reason(),
                    rejected.getMessage());
            // If-Match failed: a newer upload of the key has its own execution.
            case SdkServiceException service when service.statusCode() == 412 -> new PermanentIngestException(
                    "superseded", "a newer upload of the object replaced this one");
            default -> {
                PortFailure failure = PortFailure.of(e);
                yield failure.retryable() ? new RetryableIngestException(failure.code(), failure.getMessage(), e)
                        : new PermanentIngestException(failure.code(), failure.getMessage());
            }
        };
    }
}
