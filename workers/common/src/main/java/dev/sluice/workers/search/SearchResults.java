package dev.sluice.workers.search;

import dev.sluice.core.search.SearchHit;
import dev.sluice.core.search.SearchQuery;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What both indexes do with the candidates their engines found for a {@link SearchQuery}: pick or
 * fuse the rankings its mode asks for, keep each document's best chunk when it groups by document,
 * and cut to {@code k}. The engines differ only in how they find the candidates.
 */
public final class SearchResults {

    /**
     * Chunks asked of each ranking per document wanted when grouping by document: a document's
     * chunks crowd the head of a ranking (neighbouring chunks share words and topic), so k documents
     * need several times k chunks.
     */
    static final int CHUNKS_PER_DOCUMENT = 10;

    /**
     * The fusion constant, 5 rather than the paper's 60: with two lists of 50 candidates, k = 60 ranks
     * any chunk both lists hold, however deep, above one that only one list holds first, and the
     * chunk holding a sentence copied from a document is first by BM25 yet often missing from the
     * vector list. Known-item recall@5 on the benchmark: 0.91 at k = 60, 0.98 at k = 5, titles 1.0
     * at both (BENCHMARKS.md, "Search recall").
     */
    public static final int FUSION_K = 5;

    private static final ReciprocalRankFusion FUSION = new ReciprocalRankFusion(FUSION_K);

    private SearchResults() {
    }

    /**
     * How many chunks each ranking should bring: at least {@link VectorIndexes#MIN_CANDIDATES}, which
     * both the HNSW walk's recall and the fusion need (a chunk ranked 30th lexically and 5th by
     * vector must be seen in both).
     */
    public static int candidates(SearchQuery query) {
        int wanted = query.group() == SearchQuery.Group.DOCUMENT ? query.k() * CHUNKS_PER_DOCUMENT : query.k();
        return Math.max(wanted, VectorIndexes.MIN_CANDIDATES);
    }

    /**
     * The query's results from the engine's two rankings, each best first; the one the mode does not
     * use may be empty (and need not have been asked for).
     */
    public static List<SearchHit> of(SearchQuery query, List<SearchHit> byVector, List<SearchHit> byText) {
        List<SearchHit> ranked = switch (query.mode()) {
            case VECTOR -> byVector;
            case LEXICAL -> byText;
            case HYBRID -> FUSION.fuse(List.of(byVector, byText));
        };
        if (query.group() == SearchQuery.Group.DOCUMENT) {
            Map<String, SearchHit> best = new LinkedHashMap<>();
            for (SearchHit hit : ranked) {
                best.putIfAbsent(hit.documentId(), hit);
            }
            ranked = List.copyOf(best.values());
        }
        return ranked.size() <= query.k() ? ranked : ranked.subList(0, query.k());
    }
}
