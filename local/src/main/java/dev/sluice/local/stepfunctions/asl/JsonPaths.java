package dev.sluice.local.stepfunctions.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.InvalidPathException;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.JsonPathException;
import com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider;
import com.jayway.jsonpath.spi.mapper.JacksonMappingProvider;
import dev.sluice.core.json.Json;

/** Reads ASL Paths: {@code $...} from the state's input, {@code $$...} from the context object. */
final class JsonPaths {

    private static final Configuration CONFIG = Configuration.builder()
            .jsonProvider(new JacksonJsonNodeJsonProvider(Json.MAPPER))
            .mappingProvider(new JacksonMappingProvider(Json.MAPPER))
            .build();

    private JsonPaths() {
    }

    /** @throws IllegalArgumentException when the text is not a Path */
    static void check(String path) {
        if (!path.startsWith("$")) {
            throw new IllegalArgumentException("must be a path starting with $");
        }
        try {
            JsonPath.compile(rooted(path));
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("not a valid path: " + e.getMessage());
        }
    }

    /** @throws StatesError States.Runtime when nothing matches */
    static JsonNode read(String path, JsonNode input, JsonNode context) {
        JsonNode document = path.startsWith("$$") ? context : input;
        if (rooted(path).equals("$")) {
            return document;
        }
        try {
            Object value = JsonPath.using(CONFIG).parse(document).read(rooted(path));
            return value instanceof JsonNode node ? node
                    : value == null ? NullNode.getInstance() : Json.MAPPER.valueToTree(value);
        } catch (JsonPathException e) {
            throw StatesError.runtime("Invalid path '" + path + "': " + e.getMessage());
        }
    }

    static boolean exists(String path, JsonNode input, JsonNode context) {
        try {
            read(path, input, context);
            return true;
        } catch (StatesError e) {
            return false;
        }
    }

    private static String rooted(String path) {
        return path.startsWith("$$") ? path.substring(1) : path;
    }
}
