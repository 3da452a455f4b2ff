package dev.sluice.local.stepfunctions.asl;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.json.Json;
import java.nio.charset.StandardCharsets;

/** InputPath → Parameters → (result) → ResultSelector → ResultPath → OutputPath, as the spec orders them. */
final class DataFlow {

    /** The payload quota: 256 KiB of UTF-8 JSON per state input, output and task result. */
    static final int MAX_PAYLOAD_BYTES = 262_144;

    private DataFlow() {
    }

    static JsonNode inputPath(Io io, JsonNode raw, JsonNode context) {
        return io.inputPath() == null ? Json.object() : JsonPaths.read(io.inputPath(), raw, context);
    }

    /** InputPath then Parameters: what a Task receives or a Pass passes on. */
    static JsonNode effectiveInput(String state, Io io, JsonNode raw, JsonNode context) {
        JsonNode input = inputPath(io, raw, context);
        JsonNode effective = io.parameters() == null ? input : PayloadTemplate.evaluate(io.parameters(), input, context);
        return limited(state, "input", effective);
    }

    static JsonNode selectResult(Io io, JsonNode result, JsonNode context) {
        return io.resultSelector() == null ? result : PayloadTemplate.evaluate(io.resultSelector(), result, context);
    }

    /** ResultPath into the raw input, then OutputPath. */
    static JsonNode output(String state, Io io, JsonNode raw, JsonNode result, JsonNode context) {
        JsonNode combined = io.resultPath() == null ? raw : io.resultPath().set(raw, result);
        JsonNode output = io.outputPath() == null ? Json.object() : JsonPaths.read(io.outputPath(), combined, context);
        return limited(state, "output", output);
    }

    static JsonNode limited(String state, String what, JsonNode payload) {
        int size = Json.write(payload).getBytes(StandardCharsets.UTF_8).length;
        if (size > MAX_PAYLOAD_BYTES) {
            throw new StatesError(StatesError.DATA_LIMIT, "The state '" + state + "' has an " + what + " of "
                    + size + " bytes, more than the " + MAX_PAYLOAD_BYTES + " bytes allowed.");
        }
        return payload;
    }
}
