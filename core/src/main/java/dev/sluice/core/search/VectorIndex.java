package dev.sluice.core.search;

import java.util.List;

/**
 * Chunks and their vectors, searchable by nearest neighbour within one tenant: OpenSearch k-NN on
 * AWS, Lucene HNSW on disk locally. A chunk is identified by document and ordinal, so indexing a
 * chunk again replaces it. Similarity is cosine, scored {@code (1 + cos) / 2} as both engines do.
 * Every operation throws a retryable {@link dev.sluice.core.failure.PortFailure} coded {@link #UNAVAILABLE}
 * when the index cannot be reached.
 */
public interface VectorIndex extends AutoCloseable {

    /** The failure code of an index that cannot be reached or refuses for now. */
    String UNAVAILABLE = "index_unavailable";

    /** Adds or replaces the chunks; visible to {@link #search} when this returns. */
    void upsert(List<IndexedChunk> chunks);

    /** Removes every chunk of the document. */
    void deleteDocument(String tenantId, String documentId);

    /** Removes the document's chunks of any version but {@code version}: a re-upload that shrank. */
    void deleteOtherVersions(String tenantId, String documentId, String version);

    /** The {@code k} chunks of the tenant nearest to {@code vector}, best first. */
    List<SearchHit> search(String tenantId, float[] vector, int k);

    @Override
    void close();
}
