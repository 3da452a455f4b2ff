package dev.sluice.core.search;

import java.util.List;

/**
 * One chunk as indexed: where it came from ({@code key}, characters {@code [start, end)}, page,
 * heading path), which version of the document it belongs to, its text and its vector.
 *
 * @param page 1-based, null when the format has no pages
 */
public record IndexedChunk(String tenantId, String documentId, String version, String key, int ordinal,
        int start, int end, Integer page, List<String> headingPath, String text, float[] vector) {

    public IndexedChunk {
        headingPath = List.copyOf(headingPath);
    }

    /** Unique per document and ordinal, so re-indexing replaces. */
    public String id() {
        return documentId + "#" + ordinal;
    }
}
