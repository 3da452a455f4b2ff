package dev.sluice.core.search;

import java.util.List;

/**
 * Chunks, their text and their vectors, searchable within one tenant by nearest neighbour, by BM25
 * over the text, or by both fused ({@link SearchQuery.Mode}): OpenSearch on AWS, Lucene on disk
 * locally. A chunk is identified by document and ordinal, so indexing a chunk again replaces it.
 * Vector similarity is cosine, scored {@code (1 + cos) / 2} as both engines do.
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

    /** The {@code k} best chunks (or documents) of the query's tenant that pass its filters, best first. */
    List<SearchHit> search(SearchQuery query);

    /** The {@code k} chunks of the tenant nearest to {@code vector}, best first. */
    default List<SearchHit> search(String tenantId, float[] vector, int k) {
        return search(SearchQuery.vector(tenantId, vector, k));
    }

    @Override
    void close();
}
