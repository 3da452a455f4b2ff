package dev.sluice.local.stepfunctions.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.json.Json;
import java.util.Map;

/**
 * Parameters, ResultSelector and ItemSelector: a JSON template whose {@code "key.$"} fields take
 * their value from a Path or an intrinsic function call, at any depth.
 */
final class PayloadTemplate {

    private PayloadTemplate() {
    }

    static boolean isIntrinsic(String expression) {
        return expression.startsWith("States.");
    }

    /** Checks a path or intrinsic call at load. @throws IllegalArgumentException */
    static void checkExpression(String expression) {
        if (isIntrinsic(expression)) {
            Intrinsics.check(expression);
        } else {
            JsonPaths.check(expression);
        }
    }

    static JsonNode evaluateExpression(String expression, JsonNode input, JsonNode context) {
        if (!isIntrinsic(expression)) {
            return JsonPaths.read(expression, input, context);
        }
        try {
            return Intrinsics.evaluate(expression, path -> JsonPaths.read(path, input, context));
        } catch (StatesError e) {
            throw e;
        } catch (RuntimeException e) {
            throw new StatesError(StatesError.INTRINSIC, expression + ": " + e.getMessage());
        }
    }

    /** @throws IllegalArgumentException naming the key at fault */
    static void check(JsonNode template) {
        if (template instanceof ArrayNode array) {
            array.forEach(PayloadTemplate::check);
        } else if (template instanceof ObjectNode object) {
            for (Map.Entry<String, JsonNode> field : object.properties()) {
                String key = field.getKey();
                if (!key.endsWith(".$")) {
                    check(field.getValue());
                    continue;
                }
                if (object.has(key.substring(0, key.length() - 2))) {
                    throw new IllegalArgumentException("key \"" + key + "\" duplicates another key");
                }
                if (!field.getValue().isTextual()) {
                    throw new IllegalArgumentException("key \"" + key + "\": must be a path or an intrinsic function call");
                }
                try {
                    checkExpression(field.getValue().asText());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("key \"" + key + "\": " + e.getMessage(), e);
                }
            }
        }
    }

    static JsonNode evaluate(JsonNode template, JsonNode input, JsonNode context) {
        if (template instanceof ArrayNode array) {
            ArrayNode out = Json.MAPPER.createArrayNode();
            array.forEach(item -> out.add(evaluate(item, input, context)));
            return out;
        }
        if (!(template instanceof ObjectNode object)) {
            return template;
        }
        ObjectNode out = Json.object();
        for (Map.Entry<String, JsonNode> field : object.properties()) {
            String key = field.getKey();
            if (key.endsWith(".$")) {
                out.set(key.substring(0, key.length() - 2),
                        evaluateExpression(field.getValue().asText(), input, context));
            } else {
                out.set(key, evaluate(field.getValue(), input, context));
            }
        }
        return out;
    }
}
