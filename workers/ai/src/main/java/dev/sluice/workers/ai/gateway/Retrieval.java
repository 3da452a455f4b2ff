package dev.sluice.workers.ai.gateway;

import dev.sluice.core.search.SearchHit;
import java.util.List;

/**
 * The tenant's chunks that best answer a text: what a request with {@code useDocuments} is given as
 * context. Only ever the tenant's own chunks.
 */
@FunctionalInterface
public interface Retrieval {

    /** No documents: a request with useDocuments is answered without context. */
    Retrieval NONE = (tenantId, text, k) -> List.of();

    List<SearchHit> retrieve(String tenantId, String text, int k);
}
