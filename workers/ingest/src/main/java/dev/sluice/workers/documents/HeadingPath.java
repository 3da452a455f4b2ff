package dev.sluice.workers.documents;

import java.util.ArrayList;
import java.util.List;

/** The headings above the current position: a heading replaces every open heading of its level or deeper. */
final class HeadingPath {

    private record Heading(int level, String title) {
    }

    private final List<Heading> open = new ArrayList<>();

    /** Enters a heading of {@code level} (1 for the outermost) and returns the path that now applies. */
    List<String> enter(int level, String title) {
        while (!open.isEmpty() && open.getLast().level() >= level) {
            open.removeLast();
        }
        open.add(new Heading(level, title));
        return open.stream().map(Heading::title).toList();
    }
}
