package dev.sluice.local.flow;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.search.IndexUnavailableException;
import dev.sluice.core.search.IndexedChunk;
import dev.sluice.core.search.SearchHit;
import dev.sluice.core.search.VectorIndex;
import dev.sluice.workers.ingest.IndexTask;
import dev.sluice.workers.ingest.IngestServices;
import dev.sluice.workers.search.VectorIndexes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.util.List;

/**
 * The real index step during an outage of the index: a chunk holding {@code INDEX-DOWN} makes every
 * upsert fail as an unreachable OpenSearch does. Only the index's availability is a double.
 */
public final class FlakyIndexTask implements RequestStreamHandler {

    private final IndexTask task;

    public FlakyIndexTask() {
        AwsClients aws = AwsClients.fromEnvironment();
        VectorIndex real = VectorIndexes.fromEnvironment(aws);
        this.task = new IndexTask(IngestServices.fromEnvironment(aws, IngestServices.Need.WORK_OBJECTS,
                IngestServices.Need.DOCUMENTS, IngestServices.Need.PROGRESS), new VectorIndex() {
            @Override
            public void upsert(List<IndexedChunk> chunks) {
                if (chunks.stream().anyMatch(c -> c.text().contains("INDEX-DOWN"))) {
                    throw new IndexUnavailableException("index unreachable", new ConnectException("Connection refused"));
                }
                real.upsert(chunks);
            }

            @Override
            public void deleteDocument(String tenantId, String documentId) {
                real.deleteDocument(tenantId, documentId);
            }

            @Override
            public void deleteOtherVersions(String tenantId, String documentId, String version) {
                real.deleteOtherVersions(tenantId, documentId, version);
            }

            @Override
            public List<SearchHit> search(String tenantId, float[] vector, int k) {
                return real.search(tenantId, vector, k);
            }

            @Override
            public void close() {
                real.close();
            }
        });
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        task.handleRequest(input, output, context);
    }
}
