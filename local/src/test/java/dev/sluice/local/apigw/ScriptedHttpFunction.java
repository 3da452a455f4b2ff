package dev.sluice.local.apigw;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.json.Json;
import dev.sluice.local.lambda.FunctionError;
import dev.sluice.local.support.Invocations;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The integration of the HTTP API tests, recording every proxy event it gets. Scripted by the
 * request's {@code x-script} header: {@code sleep N} answers after N milliseconds, {@code fail}
 * fails; otherwise it answers 200 with the body {@code ok}.
 */
final class ScriptedHttpFunction implements FunctionInvoker {

    static final String FUNCTION = "api";

    final Invocations invocations = new Invocations();

    @Override
    public byte[] invoke(String function, byte[] payload) throws FunctionError {
        JsonNode event = Json.parse(new String(payload, StandardCharsets.UTF_8));
        String script = header(event, "x-script");
        try {
            if (script.startsWith("sleep ")) {
                Thread.sleep(Long.parseLong(script.substring("sleep ".length())));
            } else if (script.equals("fail")) {
                throw new FunctionError("java.lang.IllegalStateException", "scripted to fail", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FunctionError("Sandbox.Timedout", "interrupted", null);
        } catch (FunctionError e) {
            invocations.invoked(function, payload, null, e);
            throw e;
        }
        ObjectNode response = Json.object();
        response.put("statusCode", 200);
        response.putObject("headers").put("Content-Type", "text/plain");
        response.put("body", "ok");
        byte[] bytes = Json.write(response).getBytes(StandardCharsets.UTF_8);
        invocations.invoked(function, payload, bytes, null);
        return bytes;
    }

    /** The proxy events of the requests whose {@code x-marker} header was {@code marker}. */
    List<JsonNode> eventsMarked(String marker) {
        return invocations.all().stream().map(Invocations.Invocation::payload)
                .filter(e -> marker.equals(header(e, "x-marker")))
                .toList();
    }

    List<JsonNode> events() {
        return invocations.all().stream().map(Invocations.Invocation::payload).toList();
    }

    /** A request header of the event, by name in any case, or "" when absent. */
    static String header(JsonNode event, String name) {
        for (var field : event.path("headers").properties()) {
            if (field.getKey().equalsIgnoreCase(name)) {
                return field.getValue().asText();
            }
        }
        return "";
    }
}
