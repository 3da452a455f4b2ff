package dev.sluice.local.stepfunctions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.json.Json;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A Lambda function for Task states: doubles {@code n}; throws when the event has {@code fail};
 * outlives its timeout when it has {@code sleep}.
 */
public final class TaskHandler implements RequestStreamHandler {

    @Override
    public void handleRequest(InputStream in, OutputStream out, Context context) throws java.io.IOException {
        JsonNode event = Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        if (event.has("fail")) {
            throw new IllegalArgumentException("asked to fail");
        }
        if (event.has("sleep")) {
            try {
                Thread.sleep(context.getRemainingTimeInMillis() + 2000L);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        out.write(Json.write(Json.object().put("doubled", event.path("n").asInt() * 2)
                .put("function", context.getFunctionName())).getBytes(StandardCharsets.UTF_8));
    }
}
