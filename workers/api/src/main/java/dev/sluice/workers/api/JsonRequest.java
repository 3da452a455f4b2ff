package dev.sluice.workers.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.json.Json;
import dev.sluice.core.schema.Schemas;
import dev.sluice.core.schema.Violation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * A request body read as a JSON object and checked against its schema: either the object, or the
 * 400 that names what is wrong (the body, or the field of the first violation).
 *
 * <p>Before the schema, two checks no schema can make: every string and name must be valid Unicode
 * (JSON's {@code \ud800} escape yields a lone surrogate, which no UTF-8 writer downstream can
 * encode), and nesting stays within {@link #MAX_DEPTH}, which the event bus and its pattern
 * matcher take (a body nested a thousand levels deep parses, but its event can never be routed).
 */
record JsonRequest(JsonNode body, APIGatewayProxyResponseEvent error) {

    /** Levels of objects and arrays a body may nest, itself included. */
    static final int MAX_DEPTH = 32;

    static JsonRequest parse(byte[] bytes, Schemas schemas, String schema) {
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            return failed(ApiResponses.error(400, "malformed_json", "the body is not valid JSON: "
                    + e.getOriginalMessage(), "body"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (body == null || !body.isObject()) {
            return failed(ApiResponses.error(400, "malformed_json", "the body must be a JSON object", "body"));
        }
        APIGatewayProxyResponseEvent unfit = unfit(body, "", 1);
        if (unfit != null) {
            return failed(unfit);
        }
        List<Violation> violations = schemas.validate(schema, body);
        if (!violations.isEmpty()) {
            Violation first = violations.get(0);
            return failed(ApiResponses.error(400, "invalid_request", first.message(),
                    first.field().isEmpty() ? "body" : first.field()));
        }
        return new JsonRequest(body, null);
    }

    /** The 400 for the first string that is not valid Unicode or the first level too deep, else null. */
    private static APIGatewayProxyResponseEvent unfit(JsonNode node, String path, int depth) {
        if (node.isTextual()) {
            return validUnicode(node.textValue()) ? null : ApiResponses.error(400, "invalid_unicode",
                    "the text holds an unpaired surrogate (\\ud800-\\udfff): it is not valid Unicode", field(path));
        }
        if (!node.isContainerNode()) {
            return null;
        }
        if (depth > MAX_DEPTH) {
            return ApiResponses.error(400, "too_deep", "JSON may nest at most " + MAX_DEPTH + " levels",
                    field(path));
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                APIGatewayProxyResponseEvent unfit = unfit(node.get(i), path + "[" + i + "]", depth + 1);
                if (unfit != null) {
                    return unfit;
                }
            }
            return null;
        }
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String child = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
            if (!validUnicode(field.getKey())) {
                return ApiResponses.error(400, "invalid_unicode", "a field name holds an unpaired surrogate: it is"
                        + " not valid Unicode", field(path.isEmpty() ? "body" : path));
            }
            APIGatewayProxyResponseEvent unfit = unfit(field.getValue(), child, depth + 1);
            if (unfit != null) {
                return unfit;
            }
        }
        return null;
    }

    private static boolean validUnicode(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    private static String field(String path) {
        return path.isEmpty() ? "body" : path;
    }

    private static JsonRequest failed(APIGatewayProxyResponseEvent error) {
        return new JsonRequest(null, error);
    }

    boolean valid() {
        return error == null;
    }
}
