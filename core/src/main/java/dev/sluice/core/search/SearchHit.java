package dev.sluice.core.search;

import java.util.List;

/** A chunk found by {@link VectorIndex#search}, with its score ({@code (1 + cos) / 2}). */
public record SearchHit(String documentId, String key, int ordinal, String text, double score, Integer page,
        List<String> headingPath) {

    public SearchHit {
        headingPath = List.copyOf(headingPath);
    }
}
