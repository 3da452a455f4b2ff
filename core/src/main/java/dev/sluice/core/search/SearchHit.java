package dev.sluice.core.search;

import java.util.List;

/**
 * A chunk found by {@link VectorIndex#search}, with its score: {@code (1 + cos) / 2} in
 * {@link SearchQuery.Mode#VECTOR vector} mode, BM25 in {@link SearchQuery.Mode#LEXICAL lexical} mode, and in
 * {@link SearchQuery.Mode#HYBRID hybrid} mode the reciprocal-rank fusion of both, scaled so that 1 is
 * first in both lists. Scores rank the hits of one search; they do not compare across modes.
 */
public record SearchHit(String documentId, String key, int ordinal, String text, double score, Integer page,
        List<String> headingPath) {

    public SearchHit {
        headingPath = List.copyOf(headingPath);
    }
}
