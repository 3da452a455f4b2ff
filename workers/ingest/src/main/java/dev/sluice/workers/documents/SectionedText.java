package dev.sluice.workers.documents;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Builds an {@link ExtractedText} block by block: blocks are separated by a blank line (which the
 * recursive chunker treats as a paragraph break), and a new section opens whenever the page or heading
 * path of the next block differs from the current one.
 */
final class SectionedText {

    private record Opening(int start, Integer page, List<String> headingPath) {
    }

    private final StringBuilder text = new StringBuilder();
    private final List<Opening> openings = new ArrayList<>();
    private Integer page;
    private List<String> headingPath = List.of();

    /** Where the blocks appended from now on belong. */
    void moveTo(Integer page, List<String> headingPath) {
        this.page = page;
        this.headingPath = List.copyOf(headingPath);
    }

    /** Appends {@code block} stripped of surrounding whitespace; a blank block is left out. */
    void append(String block) {
        String stripped = block.strip();
        if (stripped.isEmpty()) {
            return;
        }
        if (!text.isEmpty()) {
            text.append("\n\n");
        }
        Opening last = openings.isEmpty() ? null : openings.getLast();
        if (last == null || !Objects.equals(last.page(), page) || !last.headingPath().equals(headingPath)) {
            // The separator just written stays with the previous section: sections must leave no gap.
            openings.add(new Opening(text.length(), page, headingPath));
        }
        text.append(stripped);
    }

    ExtractedText build() {
        List<Section> sections = new ArrayList<>(openings.size());
        for (int i = 0; i < openings.size(); i++) {
            Opening opening = openings.get(i);
            int end = i + 1 < openings.size() ? openings.get(i + 1).start() : text.length();
            sections.add(new Section(opening.start(), end, opening.page(), opening.headingPath()));
        }
        return new ExtractedText(text.toString(), sections);
    }
}
