package dev.sluice.core.search;

import java.util.Objects;

/**
 * What {@link VectorIndex#search(SearchQuery)} looks for, within one tenant: the {@code k} best chunks
 * (or documents, each by its best chunk) for a text and its vector, ranked by {@link Mode}.
 *
 * @param text   what was asked, in words; required unless the mode is {@link Mode#VECTOR}
 * @param vector the text's embedding (as a query); required unless the mode is {@link Mode#LEXICAL}
 */
public record SearchQuery(String tenantId, String text, float[] vector, int k, Mode mode, SearchFilters filters,
        Group group) {

    /** How chunks are ranked. */
    public enum Mode {
        /** BM25 and nearest neighbours, fused by reciprocal rank. */
        HYBRID,
        /** Nearest neighbours only; scored {@code (1 + cos) / 2}. */
        VECTOR,
        /** BM25 over the chunk's text and its title (file name and heading path) only. */
        LEXICAL
    }

    /** What one result stands for. */
    public enum Group {
        /** Every chunk on its own: one document may fill several places. */
        CHUNK,
        /** A document, represented by its best chunk: {@code k} distinct documents. */
        DOCUMENT
    }

    public SearchQuery {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(filters, "filters");
        Objects.requireNonNull(group, "group");
        if (k < 1) {
            throw new IllegalArgumentException("k must be positive: " + k);
        }
        if (mode != Mode.LEXICAL && vector == null) {
            throw new IllegalArgumentException(mode + " search needs the query's vector");
        }
        if (mode != Mode.VECTOR && (text == null || text.isBlank())) {
            throw new IllegalArgumentException(mode + " search needs the query's text");
        }
    }

    /** Nearest neighbours of {@code vector}, chunk by chunk, unfiltered: what search was before hybrid. */
    public static SearchQuery vector(String tenantId, float[] vector, int k) {
        return new SearchQuery(tenantId, null, vector, k, Mode.VECTOR, SearchFilters.NONE, Group.CHUNK);
    }

    /** BM25 and nearest neighbours fused, chunk by chunk, unfiltered. */
    public static SearchQuery hybrid(String tenantId, String text, float[] vector, int k) {
        return new SearchQuery(tenantId, text, vector, k, Mode.HYBRID, SearchFilters.NONE, Group.CHUNK);
    }

    public SearchQuery withMode(Mode other) {
        return new SearchQuery(tenantId, text, vector, k, other, filters, group);
    }

    public SearchQuery withFilters(SearchFilters other) {
        return new SearchQuery(tenantId, text, vector, k, mode, other, group);
    }

    public SearchQuery withGroup(Group other) {
        return new SearchQuery(tenantId, text, vector, k, mode, filters, other);
    }
}
