package dev.sluice.cdk;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sluice.core.json.Json;

/**
 * JSON text for a template (policies, log formats) with object keys sorted: the maps it is made
 * from iterate in an order that changes from one JVM to the next, and a template that changes at
 * every synth makes CloudFormation update the resource at every deploy.
 */
final class StableJson {

    private static final ObjectWriter WRITER = Json.MAPPER.writer()
            .with(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private StableJson() {
    }

    static String write(Object value) {
        try {
            return WRITER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not serializable as JSON: " + value, e);
        }
    }
}
