package dev.sluice.workers.search;

import dev.sluice.core.embed.Embedder;
import dev.sluice.core.search.SearchFilters;
import dev.sluice.core.search.SearchHit;
import dev.sluice.core.search.SearchQuery;
import dev.sluice.core.search.VectorIndex;
import dev.sluice.workers.embed.RejectedInputException;
import java.util.List;

/**
 * The chunks of a tenant's documents to answer a question from ({@code useDocuments}): hybrid search
 * (BM25 and the query's vector, embedded with the model's query instruction), chunk by chunk, so
 * that two passages of one document that both bear on the question are both given to the model.
 */
public final class Retriever {

    private final Embedder embedder;
    private final VectorIndex index;

    public Retriever(Embedder embedder, VectorIndex index) {
        this.embedder = embedder;
        this.index = index;
    }

    /**
     * The {@code k} best chunks for {@code text}, best first. A text too long for the embedder (a
     * prompt may be) is searched by BM25 alone rather than cut; one with nothing to read finds nothing.
     *
     * @throws dev.sluice.core.failure.PortFailure retryable when the embedder or the index is unavailable
     */
    public List<SearchHit> retrieve(String tenantId, String text, int k) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        try {
            return index.search(SearchQuery.hybrid(tenantId, text, embedder.embedQuery(text), k));
        } catch (RejectedInputException e) {
            if (e.tokens() == 0) {
                return List.of();
            }
            return index.search(new SearchQuery(tenantId, text, null, k, SearchQuery.Mode.LEXICAL,
                    SearchFilters.NONE, SearchQuery.Group.CHUNK));
        }
    }
}
