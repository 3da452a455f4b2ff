package dev.sluice.workers.ingest;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.documents.Document;
import dev.sluice.core.documents.DocumentStatus;
import dev.sluice.core.json.Json;
import dev.sluice.core.search.VectorIndex;
import dev.sluice.workers.config.Lazy;
import dev.sluice.workers.metrics.Metric;
import dev.sluice.workers.metrics.MetricsScope;
import dev.sluice.workers.priming.Priming;
import dev.sluice.workers.search.VectorIndexes;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where every Catch leads: the document is FAILED with the reason and the uploader hears
 * {@code document.failed}. Its chunks are removed too, so search only ever returns READY documents
 * (a failed re-upload would otherwise leave a mix of old and new chunks). A document this upload
 * already made READY is left alone: a failure after READY (Finalize timing out after writing it,
 * say) is not a failed ingestion.
 */
public final class MarkFailedTask extends IngestTask {

    private static final Logger LOG = LoggerFactory.getLogger(MarkFailedTask.class);

    private final IngestServices services;
    /** Opened on first use: a cold start makes no call to the index (on AWS, a request to OpenSearch). */
    private final Supplier<VectorIndex> index;

    public MarkFailedTask() {
        this(AwsClients.fromEnvironment());
    }

    private MarkFailedTask(AwsClients aws) {
        this(IngestServices.fromEnvironment(aws), lazily(VectorIndexes.choice(aws), aws));
        Priming.of(MarkFailedTask.class, aws).register(this);
    }

    public MarkFailedTask(IngestServices services, VectorIndex index) {
        this(services, () -> index);
    }

    private MarkFailedTask(IngestServices services, Supplier<VectorIndex> index) {
        this.services = services;
        this.index = index;
    }

    @Override
    protected JsonNode run(JsonNode input, Context context) throws Exception {
        Upload upload = Upload.from(input);
        Failure failure = Failure.from(input.path("failure"));
        Optional<Document> row = services.documents().get(upload.tenantId(), upload.documentId());
        if (row.filter(d -> upload.version().equals(d.version()) && d.status() == DocumentStatus.READY).isPresent()) {
            // Finalize wrote READY and then failed (or timed out): nothing after READY undoes it.
            LOG.atError().setMessage("a step failed after the document was READY; it stays READY")
                    .addKeyValue("code", failure.code()).addKeyValue("reason", failure.message()).log();
            return Json.object().put("status", "READY");
        }
        // As in FinalizeTask: the chunks go before the row says FAILED, and only if this upload still
        // owns the document (or no upload has claimed it yet), never a newer upload's chunks.
        boolean current = row.map(d -> d.version() == null ? d.status() != DocumentStatus.DELETED
                : upload.version().equals(d.version())).orElse(true);
        if (current) {
            index.get().deleteDocument(upload.tenantId(), upload.documentId());
        }
        if (!current || !services.documents().markFailed(upload.tenantId(), upload.documentId(), upload.userId(),
                upload.bucket(), upload.key(), upload.version(), failure.code(), failure.message(),
                services.clock().millis())) {
            return Json.object().put("status", "SUPERSEDED");
        }
        try (MetricsScope scope = services.metrics().scope()) {
            scope.property("documentId", upload.documentId()).property("tenantId", upload.tenantId())
                    .count(Metric.DOCUMENTS_FAILED, failure.code());
        }
        services.pushes().failed(upload, failure.code(), failure.message(), context);
        services.storage().deletePrefixQuietly(upload.workPrefix());
        LOG.atError().setMessage("document failed").addKeyValue("code", failure.code())
                .addKeyValue("reason", failure.message()).log();
        return Json.object().put("status", "FAILED").put("code", failure.code());
    }

    private static Supplier<VectorIndex> lazily(VectorIndexes.Choice choice, AwsClients aws) {
        return Lazy.of(() -> choice.open(aws));
    }
}
