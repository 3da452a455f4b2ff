package dev.sluice.workers.documents;

import java.util.List;

/**
 * Characters {@code [start, end)} of an {@link ExtractedText} that share one place in the document:
 * a page (PDF only, 1-based) and the headings above them, outermost first (empty when there are none).
 */
public record Section(int start, int end, Integer page, List<String> headingPath) {

    public Section {
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("bad section [" + start + ", " + end + ")");
        }
        if (page != null && page < 1) {
            throw new IllegalArgumentException("pages are numbered from 1: " + page);
        }
        headingPath = List.copyOf(headingPath);
    }
}
