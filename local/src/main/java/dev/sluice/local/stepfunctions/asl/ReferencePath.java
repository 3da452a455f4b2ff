package dev.sluice.local.stepfunctions.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Reference Path ({@code $.a.b}, {@code $['a b']}, {@code $.list[2]}): a Path naming a single
 * node, which is what ResultPath needs to write a result into the state's input.
 */
record ReferencePath(String text, List<Object> segments) {

    private static final Pattern SEGMENT =
            Pattern.compile("\\.([^.\\[\\]*@?()\\s'\",]+)|\\['([^']+)'\\]|\\[(\\d+)\\]");

    /** @throws IllegalArgumentException when the text is not a Reference Path */
    static ReferencePath parse(String text) {
        String body = text.startsWith("$$") ? text.substring(2) : text.startsWith("$") ? text.substring(1) : null;
        if (body == null) {
            throw new IllegalArgumentException("must be a reference path starting with $");
        }
        List<Object> segments = new ArrayList<>();
        Matcher m = SEGMENT.matcher(body);
        int at = 0;
        while (at < body.length()) {
            if (!m.find(at) || m.start() != at) {
                throw new IllegalArgumentException("not a valid reference path: " + text);
            }
            segments.add(m.group(3) != null ? (Object) Integer.valueOf(m.group(3))
                    : m.group(1) != null ? m.group(1) : m.group(2));
            at = m.end();
        }
        return new ReferencePath(text, List.copyOf(segments));
    }

    /** A copy of {@code input} with {@code value} at this path, creating missing objects on the way. */
    JsonNode set(JsonNode input, JsonNode value) {
        if (segments.isEmpty()) {
            return value;
        }
        JsonNode root = input.deepCopy();
        JsonNode container = root;
        for (int i = 0; i < segments.size(); i++) {
            Object segment = segments.get(i);
            boolean last = i == segments.size() - 1;
            if (segment instanceof String field && container instanceof ObjectNode object) {
                if (last) {
                    object.set(field, value);
                } else if (!object.has(field)) {
                    container = object.putObject(field);
                } else {
                    container = object.get(field);
                }
            } else if (segment instanceof Integer index && container instanceof ArrayNode array
                    && index < array.size()) {
                if (last) {
                    array.set(index, value);
                } else {
                    container = array.get(index);
                }
            } else {
                throw new StatesError(StatesError.RESULT_PATH, "Unable to apply ResultPath '" + text
                        + "' to input " + Json.write(input));
            }
        }
        return root;
    }
}
