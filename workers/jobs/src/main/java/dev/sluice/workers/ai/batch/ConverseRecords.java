package dev.sluice.workers.ai.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.ai.TokenUsage;
import dev.sluice.core.json.Json;

/**
 * The records of a batch in Bedrock's {@code Converse} invocation type: each input line is
 * {@code {"recordId", "modelInput": <a Converse request body>}}, each output line adds
 * {@code "modelOutput": <a Converse response body>} or {@code "error": {"errorCode", "errorMessage"}}.
 */
final class ConverseRecords {

    /** What an ai.request asks for when its payload does not say. */
    static final int DEFAULT_MAX_TOKENS = 1024;

    private ConverseRecords() {
    }

    /** The input line of one job. */
    static ObjectNode inputLine(String jobId, JsonNode payload) {
        ObjectNode line = Json.object();
        line.put("recordId", jobId);
        ObjectNode input = line.putObject("modelInput");
        ObjectNode message = input.putArray("messages").addObject();
        message.put("role", "user");
        message.putArray("content").addObject().put("text", payload.path("input").asText());
        ObjectNode config = input.putObject("inferenceConfig");
        config.put("maxTokens", payload.path("maxTokens").asInt(DEFAULT_MAX_TOKENS));
        if (payload.hasNonNull("temperature")) {
            config.put("temperature", payload.get("temperature").asDouble());
        }
        return line;
    }

    /** An answer read from a Converse response body. */
    record Answer(String text, String stopReason, TokenUsage usage, long latencyMs) {
    }

    static Answer answer(JsonNode modelOutput) {
        StringBuilder text = new StringBuilder();
        for (JsonNode block : modelOutput.path("output").path("message").path("content")) {
            if (block.has("text")) {
                text.append(block.get("text").asText());
            }
        }
        JsonNode usage = modelOutput.path("usage");
        return new Answer(text.toString(), modelOutput.path("stopReason").asText(null),
                new TokenUsage(usage.path("inputTokens").asInt(), usage.path("outputTokens").asInt(),
                        usage.path("cacheReadInputTokens").asInt(), usage.path("cacheWriteInputTokens").asInt()),
                modelOutput.path("metrics").path("latencyMs").asLong());
    }
}
