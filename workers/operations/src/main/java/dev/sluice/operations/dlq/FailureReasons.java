package dev.sluice.operations.dlq;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.documents.Document;
import dev.sluice.core.documents.DocumentIds;
import dev.sluice.core.documents.DocumentStore;
import dev.sluice.core.jobs.Job;
import dev.sluice.core.jobs.JobStore;
import dev.sluice.operations.deployment.Deployment;
import dev.sluice.operations.deployment.UnknownResourceException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Why a DLQ message failed: what the message carries (the worker's SluiceErrorCode, EventBridge's ERROR_CODE,
 * Lambda's on-failure record), else what the job or document it is about recorded. Rows are read once per message
 * set (cached by id).
 */
final class FailureReasons {

    static final String JOBS_TABLE = "sluice-jobs";
    static final String DOCUMENTS_TABLE = "sluice-documents";

    private final Deployment deployment;
    private final Map<String, Optional<Job>> jobs = new HashMap<>();
    private final Map<String, Optional<Document>> documents = new HashMap<>();
    private JobStore jobStore;
    private DocumentStore documentStore;
    private boolean storesResolved;

    FailureReasons(Deployment deployment) {
        this.deployment = deployment;
    }

    PeekedMessage.Failure of(Map<String, String> attributes, DlqMessage message) {
        Optional<Job> job = job(message.job());
        String code = null;
        String text = null;
        if (attributes.containsKey("SluiceErrorCode")) {
            code = attributes.get("SluiceErrorCode");
            text = attributes.get("SluiceErrorMessage");
        } else if (attributes.containsKey("ERROR_CODE")) {
            code = attributes.get("ERROR_CODE");
            text = attributes.get("ERROR_MESSAGE");
        } else if (message.invocationRecord() != null) {
            JsonNode record = message.invocationRecord();
            JsonNode error = record.path("responsePayload");
            code = error.hasNonNull("errorType") ? error.get("errorType").asText()
                    : record.at("/requestContext/condition").asText("unknown");
            text = error.hasNonNull("errorMessage") ? error.get("errorMessage").asText()
                    : record.at("/requestContext/condition").asText(null);
        }
        if (job.isPresent()) {
            Job j = job.get();
            String status = j.status().name();
            Boolean retryable = j.error() == null ? null : j.error().retryable();
            if (code != null) {
                return new PeekedMessage.Failure(code, text, "message", status, j.attempts(), retryable);
            }
            return j.error() == null ? new PeekedMessage.Failure("unknown", null, "job", status, j.attempts(), null)
                    : new PeekedMessage.Failure(j.error().code(), j.error().message(), "job", status, j.attempts(),
                            retryable);
        }
        if (code != null) {
            return new PeekedMessage.Failure(code, text, "message", null, null, null);
        }
        Optional<Document> document = document(message.body());
        if (document.isPresent()) {
            Document d = document.get();
            return new PeekedMessage.Failure(d.errorCode() == null ? "unknown" : d.errorCode(), d.errorMessage(),
                    "document", d.status().name(), null, null);
        }
        return PeekedMessage.Failure.unknown();
    }

    /** The job a message is about, if its tables are there and it has one. */
    Optional<Job> job(PeekedMessage.JobRef ref) {
        if (ref == null || ref.tenantId() == null || ref.jobId() == null || !stores() || jobStore == null) {
            return Optional.empty();
        }
        return jobs.computeIfAbsent(ref.tenantId() + "/" + ref.jobId(), k -> jobStore.get(ref.tenantId(), ref.jobId()));
    }

    /** The document of an S3 "Object Created" event ({@code detail.bucket.name}, {@code detail.object.key}). */
    private Optional<Document> document(JsonNode body) {
        if (body == null || !stores() || documentStore == null) {
            return Optional.empty();
        }
        String bucket = body.at("/detail/bucket/name").asText("");
        String key = body.at("/detail/object/key").asText("");
        String tenant = key.isEmpty() ? null : DocumentIds.tenantOf(key);
        if (bucket.isEmpty() || tenant == null) {
            return Optional.empty();
        }
        String id = DocumentIds.of(bucket, key);
        return documents.computeIfAbsent(tenant + "/" + id, k -> documentStore.get(tenant, id));
    }

    /** A topology without the jobs or documents table (a test topology) just has no rows to ask. */
    private boolean stores() {
        if (!storesResolved) {
            storesResolved = true;
            try {
                jobStore = new JobStore(deployment.dynamoDb(), deployment.tableName(JOBS_TABLE));
            } catch (UnknownResourceException noTable) {
                jobStore = null;
            }
            try {
                documentStore = new DocumentStore(deployment.dynamoDb(), deployment.tableName(DOCUMENTS_TABLE));
            } catch (UnknownResourceException noTable) {
                documentStore = null;
            }
        }
        return true;
    }
}
