package dev.sluice.local.flow;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.documents.Document;
import dev.sluice.core.documents.DocumentStatus;
import dev.sluice.core.documents.DocumentStore;
import dev.sluice.core.failure.PortFailure;
import dev.sluice.core.search.IndexedChunk;
import dev.sluice.core.search.SearchHit;
import dev.sluice.core.search.SearchQuery;
import dev.sluice.core.search.VectorIndex;
import dev.sluice.workers.config.S3Access;
import dev.sluice.workers.config.Setting;
import dev.sluice.workers.ingest.IndexTask;
import dev.sluice.workers.ingest.IngestServices;
import dev.sluice.workers.search.VectorIndexes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The real index step during an outage of the index: a chunk holding {@code INDEX-DOWN} makes every
 * upsert fail as an unreachable OpenSearch does. Only the index's availability is a double. A chunk
 * holding {@code DELETED-WHILE-INDEXING} has its object deleted while the batch is in flight: the
 * upsert waits until the router has handled the delete, then lands.
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
                    throw PortFailure.retryable(VectorIndex.UNAVAILABLE, "index unreachable", new ConnectException("Connection refused"));
                }
                if (chunks.stream().anyMatch(c -> c.text().contains("DELETED-WHILE-INDEXING"))) {
                    deleteAndAwaitTheRouter(aws, chunks.get(0));
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
            public List<SearchHit> search(SearchQuery query) {
                return real.search(query);
            }

            @Override
            public void close() {
                real.close();
            }
        });
    }

    /** The object is deleted while this batch is in flight, and the router has handled it before the batch lands. */
    private static void deleteAndAwaitTheRouter(AwsClients aws, IndexedChunk chunk) {
        S3Access.client(aws).deleteObject(b -> b.bucket("sluice-documents").key(chunk.key()));
        DocumentStore documents = new DocumentStore(aws.build(DynamoDbClient.builder(), "DYNAMODB"),
                Setting.DOCUMENTS_TABLE.from(aws));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (documents.get(chunk.tenantId(), chunk.documentId()).map(Document::status)
                .filter(DocumentStatus.DELETED::equals).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the router never marked " + chunk.documentId() + " DELETED");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        task.handleRequest(input, output, context);
    }
}
