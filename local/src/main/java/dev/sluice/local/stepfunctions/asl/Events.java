package dev.sluice.local.stepfunctions.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.json.Json;

/**
 * Writes history events with AWS's details fields. Inputs, outputs and parameters are JSON text,
 * as {@code GetExecutionHistory} returns them.
 */
final class Events {

    private final HistorySink sink;
    private final String region;

    Events(HistorySink sink, ExecutionStart start) {
        this.sink = sink;
        String[] arn = String.valueOf(start.stateMachineArn()).split(":");
        this.region = arn.length > 3 ? arn[3] : "";
    }

    String region() {
        return region;
    }

    /** @param fields name, value pairs; values are strings, numbers, or JSON written out as text */
    void append(String type, Object... fields) {
        ObjectNode details = null;
        if (fields.length > 0) {
            details = Json.object();
            for (int i = 0; i < fields.length; i += 2) {
                String name = (String) fields[i];
                switch (fields[i + 1]) {
                    case JsonNode json -> details.put(name, Json.write(json));
                    case Integer number -> details.put(name, number);
                    case Long number -> details.put(name, number);
                    case null -> details.putNull(name);
                    default -> details.put(name, fields[i + 1].toString());
                }
            }
        }
        sink.append(type, details);
    }
}
