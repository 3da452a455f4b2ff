package dev.sluice.workers.documents;

import java.util.List;

/**
 * A document's text with its structure: the sections follow one another with no gap and together cover
 * the whole text, so every character has exactly one page and heading path.
 */
public record ExtractedText(String text, List<Section> sections) {

    public ExtractedText {
        sections = List.copyOf(sections);
        int expectedStart = 0;
        for (Section section : sections) {
            if (section.start() != expectedStart) {
                throw new IllegalArgumentException("sections must be contiguous, in order: " + section);
            }
            expectedStart = section.end();
        }
        if (expectedStart != text.length()) {
            throw new IllegalArgumentException("sections end at " + expectedStart + ", text at " + text.length());
        }
    }
}
