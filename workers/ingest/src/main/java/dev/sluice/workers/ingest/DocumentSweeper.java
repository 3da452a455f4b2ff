package dev.sluice.workers.ingest;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.documents.Document;
import dev.sluice.core.documents.DocumentStatus;
import dev.sluice.core.json.Json;
import dev.sluice.core.search.VectorIndex;
import dev.sluice.workers.config.Lazy;
import dev.sluice.workers.config.Setting;
import dev.sluice.workers.logging.LogContext;
import dev.sluice.workers.priming.Priming;
import dev.sluice.workers.search.VectorIndexes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * Runs every minute: a document still PROCESSING whose execution has ended (it failed where no
 * Catch could help: MarkFailed itself ran out of retries, or the execution was stopped, timed out
 * or vanished) loses its chunks and is marked FAILED with what the execution says. So no document
 * stays PROCESSING, and search returns READY documents only.
 */
public final class DocumentSweeper implements RequestStreamHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DocumentSweeper.class);

    private static final int PAGE = 100;

    private final IngestServices services;
    private final SfnClient stepFunctions;
    private final Supplier<VectorIndex> index;
    private final Duration grace;

    public DocumentSweeper() {
        this(AwsClients.fromEnvironment());
    }

    private DocumentSweeper(AwsClients aws) {
        this(aws, VectorIndexes.choice(aws));
        Priming.of(DocumentSweeper.class, aws).register(this);
    }

    private DocumentSweeper(AwsClients aws, VectorIndexes.Choice index) {
        this(IngestServices.fromEnvironment(aws, IngestServices.Need.DOCUMENTS, IngestServices.Need.END_PUSHES),
                aws.build(SfnClient.builder(), "SFN"), Lazy.of(() -> index.open(aws)),
                Duration.ofSeconds(Setting.DOCUMENT_SWEEP_GRACE_SECONDS.intFrom(aws)));
    }

    /** @param index opened on the first document swept: most sweeps find nothing */
    public DocumentSweeper(IngestServices services, SfnClient stepFunctions, Supplier<VectorIndex> index,
            Duration grace) {
        this.services = services;
        this.stepFunctions = stepFunctions;
        this.index = index;
        this.grace = grace;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        try (LogContext invocation = LogContext.invocation(context)) {
            int failed = sweep(context);
            output.write(Json.write(Map.of("failed", failed)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    /** @return how many documents it marked FAILED */
    public int sweep(Context context) {
        int failed = 0;
        long now = services.clock().millis();
        for (Document d : services.documents().processingSince(now - grace.toMillis(), PAGE)) {
            Failure failure = endedWithout(d);
            if (failure == null || !stillProcessing(d)) {
                continue;
            }
            Upload upload = new Upload(d.tenantId(), d.userId(), d.documentId(), d.bucket(), d.key(), d.version(),
                    d.size() == null ? 0 : d.size(), d.correlationId());
            try (LogContext document = LogContext.document(d.tenantId(), d.documentId(), d.correlationId())) {
                // The row said PROCESSING for this version: whatever its execution indexed goes first.
                index.get().deleteDocument(d.tenantId(), d.documentId());
                if (services.documents().markFailed(d.tenantId(), d.documentId(), d.userId(), d.bucket(), d.key(),
                        d.version(), failure.code(), failure.message(), services.clock().millis())) {
                    services.pushes().failed(upload, failure.code(), failure.message(), context);
                    failed++;
                }
                LOG.atError().setMessage("document swept: its execution ended without finalizing")
                        .addKeyValue("code", failure.code()).log();
            } catch (Exception e) {
                LOG.atError().setMessage("sweeping a document failed: " + e).addKeyValue("documentId", d.documentId())
                        .addKeyValue("tenantId", d.tenantId()).log();
            }
        }
        return failed;
    }

    /**
     * Whether the row still says PROCESSING for the same upload, read after the execution was seen to
     * end: an execution that finalized between the listing and that look has written READY (or
     * FAILED), and its chunks must not be removed.
     */
    private boolean stillProcessing(Document listed) {
        return services.documents().get(listed.tenantId(), listed.documentId())
                .filter(d -> d.status() == DocumentStatus.PROCESSING && listed.version() != null
                        && listed.version().equals(d.version()))
                .isPresent();
    }

    /** Why the document's execution ended while the row still says PROCESSING; null if it is running. */
    private Failure endedWithout(Document d) {
        if (d.executionArn() == null) {
            return new Failure("execution_missing", "no execution is recorded for this upload");
        }
        DescribeExecutionResponse execution;
        try {
            execution = stepFunctions.describeExecution(b -> b.executionArn(d.executionArn()));
        } catch (ExecutionDoesNotExistException e) {
            return new Failure("execution_missing", "execution " + d.executionArn() + " does not exist");
        }
        if (execution.status() == ExecutionStatus.RUNNING || execution.status() == ExecutionStatus.PENDING_REDRIVE) {
            return null;
        }
        String what = execution.error() == null ? "" : ": " + execution.error()
                + (execution.cause() == null ? "" : " (" + execution.cause() + ")");
        return new Failure("execution_" + execution.statusAsString().toLowerCase(Locale.ROOT),
                "the ingestion ended " + execution.statusAsString() + " without finalizing" + what);
    }
}
