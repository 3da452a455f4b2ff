package dev.sluice.operations.documents;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.documents.Document;
import dev.sluice.core.documents.DocumentIds;
import dev.sluice.core.documents.DocumentStatus;
import dev.sluice.core.documents.DocumentStore;
import dev.sluice.core.documents.IngestionInput;
import dev.sluice.core.json.Json;
import dev.sluice.operations.audit.AuditLog;
import dev.sluice.operations.audit.AuditRecord;
import dev.sluice.operations.deployment.Deployment;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.sfn.model.SfnException;

/**
 * {@code sluice documents retry}: a fresh ingestion of a FAILED document's current upload. The
 * ingestion machine catches every failure into MarkFailed and ends in a Fail state, so
 * {@code RedriveExecution} would only fail again: a retry starts a new execution, under a new name,
 * with the input the document router builds ({@link IngestionInput}), for the object as S3 has it now
 * (its current ETag: it may have been replaced since; a deleted object is skipped). Audited
 * {@code documents.retry}.
 */
public final class DocumentRetry {

    public static final String OPERATION = "documents.retry";
    public static final String TABLE = "sluice-documents";
    public static final String STATE_MACHINE = "ingest-document";
    private static final String MAX_CONCURRENCY = "ingestMaxConcurrency";
    private static final Logger LOG = LoggerFactory.getLogger(DocumentRetry.class);

    /** What became of one document. */
    public enum Result { STARTED, SKIPPED, FAILED }

    /** @param executionArn the execution started, when {@link Result#STARTED} */
    public record Outcome(String documentId, String tenantId, Result result, String reason, String executionArn) {
    }

    /** What a retry did, and the audit record that says so. */
    public record Report(List<Outcome> outcomes, AuditRecord audit) {

        public long count(Result result) {
            return outcomes.stream().filter(o -> o.result() == result).count();
        }
    }

    private final Deployment deployment;
    private final DocumentStore documents;
    private final AuditLog audit;
    private final Clock clock;

    public DocumentRetry(Deployment deployment, Clock clock) {
        this.deployment = deployment;
        this.documents = new DocumentStore(deployment.dynamoDb(), deployment.tableName(TABLE));
        this.audit = new AuditLog(deployment.dynamoDb(), deployment.tableName(AuditLog.TABLE), clock);
        this.clock = clock;
    }

    /**
     * The document named by id.
     *
     * @throws IllegalArgumentException no document has this id (a usage error)
     */
    public List<Document> withId(String documentId) {
        if (!DocumentIds.isWellFormed(documentId)) {
            throw new IllegalArgumentException("\"" + documentId + "\" is not a document id (a UUID)");
        }
        List<Document> found = documents.withId(documentId);
        if (found.isEmpty()) {
            throw new IllegalArgumentException("no document " + documentId + " in " + deployment.description());
        }
        return found;
    }

    /** Every document FAILED at or after {@code since}, oldest change first. */
    public List<Document> failedSince(Instant since) {
        List<Document> found = new ArrayList<>(documents.failedSince(since.toEpochMilli()));
        found.sort(java.util.Comparator.comparingLong(Document::updatedAt));
        return found;
    }

    /**
     * Retries each document, audited before the first and after the last.
     *
     * @param force also documents still PROCESSING (an execution that hangs, say)
     * @param via   {@code cli} or {@code admin-api}
     */
    public Report retry(List<Document> chosen, boolean force, Map<String, String> selection, String via) {
        Map<String, String> recorded = new LinkedHashMap<>(selection);
        recorded.put("force", Boolean.toString(force));
        String target = chosen.size() == 1 ? "document:" + chosen.get(0).documentId() : "documents";
        AuditRecord started = audit.begin(OPERATION, deployment.principal(), via, target, recorded, false);
        List<Outcome> outcomes = new ArrayList<>();
        try {
            for (Document document : chosen) {
                outcomes.add(retryOne(document, force));
            }
        } catch (RuntimeException e) {
            audit.finish(started, AuditRecord.Outcome.FAILED, counts(outcomes), e.toString());
            throw e;
        }
        boolean anyFailed = outcomes.stream().anyMatch(o -> o.result() == Result.FAILED);
        AuditRecord finished = audit.finish(started, anyFailed ? AuditRecord.Outcome.PARTIAL
                : AuditRecord.Outcome.SUCCEEDED, counts(outcomes), null);
        return new Report(outcomes, finished);
    }

    private Outcome retryOne(Document d, boolean force) {
        switch (d.status()) {
            case READY -> {
                return skipped(d, "READY: nothing to retry");
            }
            case PROCESSING -> {
                if (!force) {
                    return skipped(d, "still PROCESSING (" + d.executionArn() + "); --force starts another");
                }
            }
            case DELETED, AWAITING_UPLOAD -> {
                return skipped(d, d.status() + ": there is no upload to ingest");
            }
            case FAILED -> {
                // the case this command is for
            }
        }
        HeadObjectResponse head;
        try {
            head = deployment.s3().headObject(b -> b.bucket(d.bucket()).key(d.key()));
        } catch (NoSuchKeyException gone) {
            return skipped(d, "the upload s3://" + d.bucket() + "/" + d.key() + " no longer exists");
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return skipped(d, "the upload s3://" + d.bucket() + "/" + d.key() + " no longer exists");
            }
            return new Outcome(d.documentId(), d.tenantId(), Result.FAILED, "HeadObject: " + e.getMessage(), null);
        }
        String etag = head.eTag().replace("\"", "");
        String machine = deployment.stateMachineArn(STATE_MACHINE);
        String name = DocumentIds.retryExecutionName(d.documentId(), etag, clock.millis());
        String executionArn = machine.replace(":stateMachine:", ":execution:") + ":" + name;
        IngestionInput input = new IngestionInput(d.tenantId(), d.userId() != null ? d.userId() : d.tenantId(),
                d.documentId(), d.bucket(), d.key(), etag, head.contentLength(), maxConcurrency(d),
                // the request that asked for the upload, so a retry's logs and pushes join the first run's
                d.correlationId() != null ? d.correlationId() : name);
        if (!documents.claimForRetry(d, etag, executionArn, head.contentLength(), clock.millis())) {
            return skipped(d, "the document changed while it was being retried; look again");
        }
        try {
            String started = deployment.stepFunctions().startExecution(b -> b.stateMachineArn(machine).name(name)
                    .input(Json.write(input.toJson()))).executionArn();
            LOG.info("document {} retried as {}", d.documentId(), started);
            return new Outcome(d.documentId(), d.tenantId(), Result.STARTED,
                    etag.equals(d.version()) ? "same upload" : "current upload " + etag + " (was " + d.version() + ")",
                    started);
        } catch (SfnException e) {
            // The row already says PROCESSING for an execution that never started: put the failure back now
            // rather than leave it to the sweeper's grace period.
            String why = "the retry could not start an execution: " + e.getMessage();
            documents.markFailed(d.tenantId(), d.documentId(), input.userId(), d.bucket(), d.key(), etag,
                    "retry_not_started", why, clock.millis());
            return new Outcome(d.documentId(), d.tenantId(), Result.FAILED, why, null);
        }
    }

    /**
     * The Map concurrency the deployment's router gives its executions: as the document's last execution
     * had it; if that execution is gone, the smallest any profile declares (the safe choice).
     */
    private int maxConcurrency(Document d) {
        if (d.executionArn() != null) {
            try {
                JsonNode last = Json.parse(deployment.stepFunctions()
                        .describeExecution(b -> b.executionArn(d.executionArn())).input());
                int value = last.path("config").path("maxConcurrency").asInt(0);
                if (value > 0) {
                    return value;
                }
            } catch (SfnException | IllegalArgumentException gone) {
                LOG.info("execution {} not readable ({}); maxConcurrency from the profiles", d.executionArn(),
                        gone.getMessage());
            }
        }
        return deployment.topology().profiles().stream().filter(p -> p.declares(MAX_CONCURRENCY))
                .map(p -> p.value(MAX_CONCURRENCY)).filter(v -> v != null && v.matches("\\d+"))
                .mapToInt(Integer::parseInt).filter(v -> v > 0).min().orElse(1);
    }

    private static Outcome skipped(Document d, String why) {
        return new Outcome(d.documentId(), d.tenantId(), Result.SKIPPED, why, null);
    }

    private static Map<String, Long> counts(List<Outcome> outcomes) {
        Map<String, Long> counts = new TreeMap<>();
        for (Result r : Result.values()) {
            counts.put(r.name().toLowerCase(java.util.Locale.ROOT), outcomes.stream().filter(o -> o.result() == r)
                    .count());
        }
        return counts;
    }
}
