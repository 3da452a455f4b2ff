package dev.sluice.workers.search;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.json.Json;
import dev.sluice.workers.support.TestContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/** Custom resource events from the fixtures under events/, and handlers called as Lambda calls them. */
final class CustomResourceCalls {

    private CustomResourceCalls() {
    }

    /**
     * The fixture {@code events/NAME} with {@code replacements} (placeholder, value) applied in order; a
     * placeholder written as a quoted string ({@code "INDEX_BODY"}) is replaced by the value as a JSON
     * string, escaped.
     */
    static String event(String name, Map<String, String> replacements) {
        try (InputStream in = CustomResourceCalls.class.getResourceAsStream("/events/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture events/" + name);
            }
            String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            for (Map.Entry<String, String> r : replacements.entrySet()) {
                json = json.replace("\"" + r.getKey() + "\"", Json.write(r.getValue()));
            }
            return json;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode call(RequestStreamHandler handler, String event) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out,
                new TestContext());
        return Json.parse(out.toString(StandardCharsets.UTF_8));
    }

    /** What the Provider framework gives isComplete: the request with every field onEvent returned. */
    static String withOnEventResult(String event, JsonNode onEventResult) {
        ObjectNode merged = (ObjectNode) Json.parse(event);
        for (Iterator<Map.Entry<String, JsonNode>> fields = onEventResult.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            merged.set(field.getKey(), field.getValue());
        }
        return Json.write(merged);
    }
}
