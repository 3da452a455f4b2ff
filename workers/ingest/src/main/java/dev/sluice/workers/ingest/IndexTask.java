package dev.sluice.workers.ingest;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.documents.Document;
import dev.sluice.core.search.IndexedChunk;
import dev.sluice.core.search.VectorIndex;
import dev.sluice.workers.config.Lazy;
import dev.sluice.workers.documents.Chunk;
import dev.sluice.workers.metrics.Metric;
import dev.sluice.workers.metrics.MetricsScope;
import dev.sluice.workers.priming.Priming;
import dev.sluice.workers.search.VectorIndexes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Indexes one embedded batch, then counts it on the document row and tells the uploader. Chunks are
 * keyed by document and ordinal, so a retried batch replaces what it wrote before. A batch that
 * finds the document deleted or uploaded again once it is written removes what it wrote.
 */
public final class IndexTask extends IngestTask {

    private static final Logger LOG = LoggerFactory.getLogger(IndexTask.class);

    private final IngestServices services;
    /** Opened on first use: a cold start makes no call to the index (on AWS, a request to OpenSearch). */
    private final Supplier<VectorIndex> index;

    public IndexTask() {
        this(AwsClients.fromEnvironment());
    }

    private IndexTask(AwsClients aws) {
        this(IngestServices.fromEnvironment(aws, IngestServices.Need.WORK_OBJECTS, IngestServices.Need.DOCUMENTS,
                IngestServices.Need.PROGRESS), lazily(VectorIndexes.choice(aws), aws));
        Priming.of(IndexTask.class, aws).register(this);
    }

    public IndexTask(IngestServices services, VectorIndex index) {
        this(services, () -> index);
    }

    private IndexTask(IngestServices services, Supplier<VectorIndex> index) {
        this.services = services;
        this.index = index;
    }

    @Override
    protected JsonNode run(JsonNode input, Context context) {
        Upload upload = Upload.from(input);
        Chunk[] chunks = services.storage().getJson(input.path("batchKey").asText(), Chunk[].class);
        float[][] vectors = services.storage().getJson(input.path("embedded").path("vectorsKey").asText(),
                float[][].class);
        if (vectors.length != chunks.length) {
            throw new PermanentIngestException("internal_error", "batch " + input.path("batchKey").asText() + " has "
                    + chunks.length + " chunks but " + vectors.length + " vectors");
        }
        List<IndexedChunk> indexed = new ArrayList<>(chunks.length);
        for (int i = 0; i < chunks.length; i++) {
            Chunk c = chunks[i];
            indexed.add(new IndexedChunk(upload.tenantId(), upload.documentId(), upload.version(), upload.key(),
                    c.ordinal(), c.start(), c.end(), c.page(), c.headingPath(), c.text(), vectors[i]));
        }
        index.get().upsert(indexed);
        try (MetricsScope scope = services.metrics().scope()) {
            scope.property("documentId", upload.documentId()).property("tenantId", upload.tenantId())
                    .put(Metric.INGEST_CHUNKS, indexed.size());
        }
        // Conditional on the version, so it also tells whether this upload still owns the document now
        // that the batch is written.
        long done = services.documents().batchIndexed(upload.tenantId(), upload.documentId(), upload.version(),
                services.clock().millis());
        if (done < 0) {
            removeWhatTheDocumentNoLongerHas(upload, context);
            return null;
        }
        long total = input.path("batches").asLong();
        // A retried batch counts twice on the row; what the user sees never passes the total.
        services.pushes().progress(upload, "index", Math.min(done, total), total, context);
        return null;
    }

    /**
     * The document was deleted, or uploaded again, while this batch was being written. A delete removes
     * the chunks and then marks the row, and a newer upload's Finalize clears other versions, but either
     * may have done so before this batch landed; Finalize and MarkFailed of this stale upload then do
     * nothing. So the batch clears up after itself: everything if the document is gone, else whatever
     * is not the current upload's.
     */
    private void removeWhatTheDocumentNoLongerHas(Upload upload, Context context) {
        Optional<Document> row = services.documents().get(upload.tenantId(), upload.documentId());
        String current = row.map(Document::version).orElse(null);
        if (current == null) {
            index.get().deleteDocument(upload.tenantId(), upload.documentId());
        } else {
            index.get().deleteOtherVersions(upload.tenantId(), upload.documentId(), current);
        }
        LOG.atInfo().setMessage("document deleted or superseded while a batch was indexed; its chunks were removed")
                .addKeyValue("version", upload.version()).log();
    }

    private static Supplier<VectorIndex> lazily(VectorIndexes.Choice choice, AwsClients aws) {
        return Lazy.of(() -> choice.open(aws));
    }
}
