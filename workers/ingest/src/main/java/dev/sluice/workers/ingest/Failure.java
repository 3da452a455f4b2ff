package dev.sluice.workers.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.json.Json;

/**
 * Why an ingestion failed, read back from what its Catch recorded ({@code {"Error", "Cause"}}).
 * For a Lambda error the Cause is the function's error JSON ({@code errorMessage}, {@code errorType}):
 * the two ingestion failures put their code in front of their message ({@link #onTheWire}), the one
 * place that format is written and read.
 */
record Failure(String code, String message) {

    private static final String SEPARATOR = ": ";

    /** The message an ingestion failure carries through Lambda and the state machine. */
    static String onTheWire(String code, String message) {
        return code + SEPARATOR + message;
    }

    static Failure from(JsonNode caught) {
        String error = caught.path("Error").asText("");
        String cause = caught.path("Cause").asText("");
        String message = cause;
        try {
            JsonNode parsed = Json.parse(cause);
            if (parsed.hasNonNull("errorMessage")) {
                message = parsed.get("errorMessage").asText();
            }
        } catch (IllegalArgumentException notJson) {
            // a States.* error's Cause is plain text
        }
        if (error.equals(PermanentIngestException.class.getName())
                || error.equals(RetryableIngestException.class.getName())) {
            int colon = message.indexOf(SEPARATOR);
            if (colon > 0) {
                return new Failure(message.substring(0, colon), message.substring(colon + SEPARATOR.length()));
            }
        }
        if (error.equals("States.Timeout")) {
            return new Failure("timeout", message.isEmpty() ? "a step timed out" : message);
        }
        return new Failure("internal_error", error + (message.isEmpty() ? "" : ": " + message));
    }
}
