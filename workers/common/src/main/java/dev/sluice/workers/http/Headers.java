package dev.sluice.workers.http;

import java.util.Map;

/** Header lookup in API Gateway events, which pass header names as the client sent them. */
public final class Headers {

    private Headers() {
    }

    /** The value of header {@code name}, whatever its case, or null. */
    public static String get(Map<String, String> headers, String name) {
        if (headers == null) {
            return null;
        }
        return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue).findFirst().orElse(null);
    }
}
