package dev.sluice.workers.api;

import java.util.Map;

/** Query string parameters as the routes read them. */
final class QueryParameters {

    private QueryParameters() {
    }

    /** An integer parameter: {@code fallback} when absent, -1 when not an integer (so every range check refuses it). */
    static int integer(Map<String, String> query, String name, int fallback) {
        try {
            return query.containsKey(name) ? Integer.parseInt(query.get(name)) : fallback;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
