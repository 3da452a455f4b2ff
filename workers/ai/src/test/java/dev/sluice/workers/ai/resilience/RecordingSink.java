package dev.sluice.workers.ai.resilience;

import dev.sluice.core.ai.DeltaSink;
import java.util.ArrayList;
import java.util.List;

/** What the client would see: each piece, and each reset as {@code <reset:reason>}. */
final class RecordingSink implements DeltaSink {

    final List<String> events = new ArrayList<>();

    @Override
    public void accept(String text) {
        events.add(text);
    }

    @Override
    public void reset(String reason) {
        events.add("<reset:" + reason + ">");
    }

    /** The text as the client ends up with it: everything after the last reset. */
    String text() {
        int from = 0;
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).startsWith("<reset:")) {
                from = i + 1;
            }
        }
        return String.join("", events.subList(from, events.size()));
    }
}
