package dev.sluice.cdk;

import java.util.Locale;

/** Construct ids from topology names: {@code ai-requests-high} becomes {@code AiRequestsHigh}. */
final class LogicalIds {

    private LogicalIds() {
    }

    static String of(String name) {
        StringBuilder id = new StringBuilder();
        for (String part : name.split("[^A-Za-z0-9]+")) {
            if (!part.isEmpty()) {
                id.append(part.substring(0, 1).toUpperCase(Locale.ROOT)).append(part.substring(1));
            }
        }
        return id.toString();
    }
}
