package dev.sluice.workers.idempotency;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.hash.Sha256;
import dev.sluice.core.json.Json;
import java.util.Map;
import java.util.TreeMap;

/**
 * SHA-256 of a payload's canonical JSON: object keys sorted at every depth, so the same request
 * built by different code (a map, a record, a parsed tree) hashes the same. A String payload is
 * hashed as a JSON string, not parsed.
 */
final class PayloadHash {

    private PayloadHash() {
    }

    static String of(Object payload) {
        return Sha256.hex(Json.write(sorted(Json.MAPPER.valueToTree(payload))));
    }

    private static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            Map<String, JsonNode> fields = new TreeMap<>();
            node.properties().forEach(field -> fields.put(field.getKey(), sorted(field.getValue())));
            ObjectNode object = Json.object();
            fields.forEach(object::set);
            return object;
        }
        if (node.isArray()) {
            ArrayNode array = Json.MAPPER.createArrayNode();
            node.forEach(element -> array.add(sorted(element)));
            return array;
        }
        return node;
    }
}
