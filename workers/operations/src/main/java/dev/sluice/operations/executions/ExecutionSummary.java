package dev.sluice.operations.executions;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.json.Json;
import java.time.Instant;

/**
 * One execution as {@code sluice executions list} shows it.
 *
 * @param stop null while it runs
 * @param documentId the document an ingestion worked on, when the execution's name gives it
 */
public record ExecutionSummary(String machine, String executionArn, String name, String status, Instant start,
        Instant stop, String documentId) {

    public ObjectNode toJson() {
        ObjectNode o = Json.object().put("machine", machine).put("executionArn", executionArn).put("name", name)
                .put("status", status).put("start", start.toString());
        o.put("stop", stop == null ? null : stop.toString());
        o.put("documentId", documentId);
        return o;
    }
}
