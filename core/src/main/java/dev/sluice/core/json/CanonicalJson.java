package dev.sluice.core.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.hash.Sha256;
import java.util.Map;
import java.util.TreeMap;

/**
 * SHA-256 of a value's canonical JSON: object keys sorted at every depth, so the same request sent
 * with its keys in another order, or built by different code (a map, a record, a parsed tree),
 * hashes the same. A String is hashed as a JSON string, not parsed.
 */
public final class CanonicalJson {

    private CanonicalJson() {
    }

    public static String sha256(Object value) {
        return Sha256.hex(Json.write(sorted(Json.MAPPER.valueToTree(value))));
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
