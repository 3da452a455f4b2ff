package dev.sluice.workers.ingest;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.search.IndexedChunk;
import dev.sluice.core.search.VectorIndex;
import dev.sluice.workers.documents.Chunk;
import dev.sluice.workers.search.VectorIndexes;
import java.util.ArrayList;
import java.util.List;

/**
 * Indexes one embedded batch, then counts it on the document row and tells the uploader. Chunks are
 * keyed by document and ordinal, so a retried batch replaces what it wrote before.
 */
public final class IndexTask extends IngestTask {

    private final IngestServices services;
    private final VectorIndex index;

    public IndexTask() {
        this(AwsClients.fromEnvironment());
    }

    private IndexTask(AwsClients aws) {
        this(IngestServices.fromEnvironment(aws, IngestServices.Need.WORK_OBJECTS, IngestServices.Need.DOCUMENTS,
                IngestServices.Need.PROGRESS), VectorIndexes.fromEnvironment(aws));
    }

    public IndexTask(IngestServices services, VectorIndex index) {
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
        index.upsert(indexed);
        long done = services.documents().batchIndexed(upload.tenantId(), upload.documentId(), upload.version(),
                services.clock().millis());
        long total = input.path("batches").asLong();
        if (done >= 0) {
            // A retried batch counts twice on the row; what the user sees never passes the total.
            services.pushes().progress(upload, "index", Math.min(done, total), total, context);
        }
        return null;
    }
}
