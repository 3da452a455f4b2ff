package dev.sluice.workers.ingest;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.json.Json;
import dev.sluice.core.search.VectorIndex;
import dev.sluice.workers.config.Lazy;
import dev.sluice.workers.metrics.Metric;
import dev.sluice.workers.metrics.MetricsScope;
import dev.sluice.workers.priming.Priming;
import dev.sluice.workers.search.VectorIndexes;
import java.util.Locale;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last step: a re-upload's leftover chunks (beyond the new last ordinal) go, the document is
 * READY with its type and chunk count, the uploader hears {@code document.ready}, and the
 * intermediate objects are removed. If a newer upload took the document over meanwhile, it leaves
 * everything to that one. Once READY is written the step cannot fail: a push that cannot be
 * delivered or a clean-up that did not happen is logged, not a failed ingestion.
 */
public final class FinalizeTask extends IngestTask {

    private static final Logger LOG = LoggerFactory.getLogger(FinalizeTask.class);

    private final IngestServices services;
    /** Opened on first use: a cold start makes no call to the index (on AWS, a request to OpenSearch). */
    private final Supplier<VectorIndex> index;

    public FinalizeTask() {
        this(AwsClients.fromEnvironment());
    }

    private FinalizeTask(AwsClients aws) {
        this(IngestServices.fromEnvironment(aws), lazily(VectorIndexes.choice(aws), aws));
        Priming.of(FinalizeTask.class, aws).register(this);
    }

    public FinalizeTask(IngestServices services, VectorIndex index) {
        this(services, () -> index);
    }

    private FinalizeTask(IngestServices services, Supplier<VectorIndex> index) {
        this.services = services;
        this.index = index;
    }

    @Override
    protected JsonNode run(JsonNode input, Context context) throws Exception {
        Upload upload = Upload.from(input);
        int chunks = input.path("chunked").path("chunks").asInt();
        ObjectNode result = Json.object();
        String type = input.path("validated").path("type").asText().toLowerCase(Locale.ROOT);
        // Only the current upload's execution may clear other versions, and READY must mean that the
        // search shows this version alone: check, clear, then mark READY (conditional on the version).
        // A newer upload started in between has not indexed anything yet, and its own finalize clears
        // whatever this one leaves.
        boolean current = services.documents().get(upload.tenantId(), upload.documentId())
                .map(d -> upload.version().equals(d.version())).orElse(false);
        if (current) {
            index.get().deleteOtherVersions(upload.tenantId(), upload.documentId(), upload.version());
        }
        if (!current || !services.documents().markReady(upload.tenantId(), upload.documentId(), upload.version(), type,
                chunks, services.clock().millis())) {
            LOG.atInfo().setMessage("upload superseded before it was finalized").addKeyValue("version",
                    upload.version()).log();
            return result.put("status", "SUPERSEDED");
        }
        // READY is written: nothing after this may fail the step, or its Catch would fail a READY document.
        try (MetricsScope scope = services.metrics().scope()) {
            scope.property("documentId", upload.documentId()).property("tenantId", upload.tenantId())
                    .count(Metric.DOCUMENTS_READY);
        }
        LOG.atInfo().setMessage("document ready").addKeyValue("chunks", chunks).log();
        services.pushes().ready(upload, chunks, context);
        services.storage().deletePrefixQuietly(upload.workPrefix());
        return result.put("status", "READY").put("chunks", chunks);
    }

    private static Supplier<VectorIndex> lazily(VectorIndexes.Choice choice, AwsClients aws) {
        return Lazy.of(() -> choice.open(aws));
    }
}
