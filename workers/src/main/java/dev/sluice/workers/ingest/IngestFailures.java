package dev.sluice.workers.ingest;

import dev.sluice.core.embed.EmbeddingException;
import dev.sluice.core.search.IndexUnavailableException;
import dev.sluice.workers.documents.DocumentRejectedException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/** Sorts whatever a step threw into the two failures the state machine knows: retry, or give up. */
final class IngestFailures {

    private IngestFailures() {
    }

    static RuntimeException classify(Exception e) {
        return switch (e) {
            case PermanentIngestException p -> p;
            case RetryableIngestException r -> r;
            case DocumentRejectedException rejected -> new PermanentIngestException(rejected.reason(),
                    rejected.getMessage());
            case EmbeddingException embedding -> embedding.retryable()
                    ? new RetryableIngestException("embedder_unavailable", embedding.getMessage(), embedding)
                    : new PermanentIngestException("embedding_failed", embedding.getMessage());
            case IndexUnavailableException index -> new RetryableIngestException("index_unavailable",
                    index.getMessage(), index);
            // An S3 body that broke off mid-read.
            case java.io.UncheckedIOException io -> new RetryableIngestException("aws_unreachable", io.getMessage(), io);
            case SdkClientException client -> new RetryableIngestException("aws_unreachable", client.getMessage(),
                    client);
            // If-Match failed: a newer upload of the key has its own execution.
            case SdkServiceException service when service.statusCode() == 412 -> new PermanentIngestException(
                    "superseded", "a newer upload of the object replaced this one");
            case SdkServiceException service when service.isThrottlingException() || service.statusCode() >= 500 ->
                    new RetryableIngestException("aws_unavailable", service.getMessage(), service);
            case SdkServiceException service -> new PermanentIngestException("aws_error", service.getMessage());
            default -> new PermanentIngestException("internal_error", e.getClass().getSimpleName() + ": "
                    + e.getMessage());
        };
    }
}
