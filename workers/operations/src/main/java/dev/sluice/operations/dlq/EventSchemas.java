package dev.sluice.operations.dlq;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.schema.Schemas;
import dev.sluice.core.schema.Violation;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The schema an edited message must still satisfy: the event's own schema by its {@code detail-type} ("Job
 * Submitted" → {@code events/job-submitted}, and so on), any other event the envelope ({@code events/envelope}).
 * A body that is no event (no {@code detail-type}) has no schema here: it only has to be JSON.
 */
final class EventSchemas {

    private static final Map<String, String> BY_DETAIL_TYPE = Map.of(
            "Job Submitted", "events/job-submitted",
            "Job Completed", "events/job-completed",
            "Job Failed", "events/job-failed",
            "Object Created", "events/s3-object-created",
            "Object Deleted", "events/s3-object-deleted");
    static final String ENVELOPE = "events/envelope";

    private final Schemas schemas;

    EventSchemas(Schemas schemas) {
        this.schemas = schemas;
    }

    /** The schema {@code event} is checked against, or null when it is no event. */
    static String schemaOf(JsonNode event) {
        if (event == null || !event.isObject() || !event.hasNonNull("detail-type")) {
            return null;
        }
        return BY_DETAIL_TYPE.getOrDefault(event.get("detail-type").asText(), ENVELOPE);
    }

    /** Why {@code event} breaks its schema, as one line; null when it satisfies it (or has none). */
    String violations(JsonNode event) {
        String schema = schemaOf(event);
        if (schema == null) {
            return null;
        }
        List<Violation> violations = schemas.validate(schema, event);
        if (violations.isEmpty()) {
            return null;
        }
        return "breaks schema " + schema + ": " + violations.stream()
                .map(v -> (v.field().isEmpty() ? "" : v.field() + ": ") + v.message())
                .collect(Collectors.joining("; "));
    }
}
