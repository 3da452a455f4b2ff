package dev.sluice.local.apigw;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.json.Json;
import dev.sluice.local.lambda.FunctionError;
import dev.sluice.local.support.Await;
import dev.sluice.local.support.Invocations;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * The integration of the WebSocket API tests, recording every event it gets. Scripted by the
 * event: {@code $connect?reject=N} answers status N, {@code $connect?fail} fails; a message
 * {@code echo X} answers body X, {@code binary X} answers X base64-encoded, {@code fail} fails; everything else answers 200 without a body.
 */
final class ScriptedWebSocketFunction implements FunctionInvoker {

    static final String FUNCTION = "ws";

    final Invocations invocations = new Invocations();

    @Override
    public byte[] invoke(String function, byte[] payload) throws FunctionError {
        JsonNode event = Json.parse(new String(payload, StandardCharsets.UTF_8));
        try {
            byte[] response = Json.write(respond(event)).getBytes(StandardCharsets.UTF_8);
            invocations.invoked(function, payload, response, null);
            return response;
        } catch (FunctionError e) {
            invocations.invoked(function, payload, null, e);
            throw e;
        }
    }

    private static ObjectNode respond(JsonNode event) throws FunctionError {
        ObjectNode response = Json.object();
        response.put("statusCode", 200);
        JsonNode query = event.path("queryStringParameters");
        String body = event.path("body").asText();
        if (query.has("reject")) {
            response.put("statusCode", query.get("reject").asInt());
        } else if (query.has("fail") || body.equals("fail")) {
            throw new FunctionError("java.lang.IllegalStateException", "scripted to fail", null);
        } else if (body.startsWith("echo ")) {
            response.put("body", body.substring("echo ".length()));
        } else if (body.startsWith("binary ")) {
            response.put("body", Base64.getEncoder().encodeToString(
                    body.substring("binary ".length()).getBytes(StandardCharsets.UTF_8)));
            response.put("isBase64Encoded", true);
        }
        return response;
    }

    /** The events of one connection, in the order they were invoked. */
    List<JsonNode> eventsOf(String connectionId) {
        return invocations.all().stream().map(Invocations.Invocation::payload)
                .filter(e -> connectionId.equals(e.path("requestContext").path("connectionId").asText()))
                .toList();
    }

    /** The id of the connection whose {@code $connect} carried {@code marker} in its query, once it ran. */
    String connectionWithMarker(String marker) throws InterruptedException {
        Await.until("the $connect of " + marker, () -> connectEvent(marker) != null);
        return connectEvent(marker).path("requestContext").path("connectionId").asText();
    }

    JsonNode connectEvent(String marker) {
        return invocations.all().stream().map(Invocations.Invocation::payload)
                .filter(e -> marker.equals(e.path("queryStringParameters").path("marker").asText()))
                .findFirst().orElse(null);
    }

    List<JsonNode> routed(String connectionId, String routeKey) {
        return eventsOf(connectionId).stream()
                .filter(e -> routeKey.equals(e.path("requestContext").path("routeKey").asText())).toList();
    }
}
