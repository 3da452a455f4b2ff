package dev.sluice.workers.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.json.Json;

/**
 * Why an ingestion failed, read back from what its Catch recorded ({@code {"Error", "Cause"}}).
 * For a Lambda error the Cause is the function's error JSON ({@code errorMessage}, {@code errorType});
 * this project's two exceptions start their message with a stable code.
 */
record Failure(String code, String message) {

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
            int colon = message.indexOf(": ");
            if (colon > 0) {
                return new Failure(message.substring(0, colon), message.substring(colon + 2));
            }
        }
        if (error.equals("States.Timeout")) {
            return new Failure("timeout", message.isEmpty() ? "a step timed out" : message);
        }
        return new Failure("internal_error", error + (message.isEmpty() ? "" : ": " + message));
    }
}
