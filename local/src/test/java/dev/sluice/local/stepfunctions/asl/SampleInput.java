package dev.sluice.local.stepfunctions.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.PathNotFoundException;
import com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider;
import com.jayway.jsonpath.spi.mapper.JacksonMappingProvider;
import dev.sluice.core.json.Json;
import java.util.function.Function;

/** The {@code paths} function the interpreter would pass: Jayway over a state input and a context object. */
final class SampleInput {

    private static final Configuration JAYWAY = Configuration.builder()
            .jsonProvider(new JacksonJsonNodeJsonProvider(Json.MAPPER))
            .mappingProvider(new JacksonMappingProvider(Json.MAPPER))
            .build();

    private SampleInput() {
    }

    static Function<String, JsonNode> of(String input) {
        return of(input, "{}");
    }

    static Function<String, JsonNode> of(String input, String context) {
        JsonNode inputNode = Json.parse(input);
        JsonNode contextNode = Json.parse(context);
        return path -> {
            boolean fromContext = path.startsWith("$$");
            try {
                Object found = JsonPath.using(JAYWAY)
                        .parse(fromContext ? contextNode : inputNode)
                        .read(fromContext ? path.substring(1) : path);
                return found == null ? NullNode.getInstance() : Json.MAPPER.valueToTree(found);
            } catch (PathNotFoundException e) {
                return null;
            }
        };
    }

    static JsonNode eval(String expression, String input) {
        return Intrinsics.evaluate(expression, of(input));
    }
}
