package dev.sluice.local.apigw;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.json.Json;
import dev.sluice.local.lambda.FunctionError;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The API's routes, every one integrated with the same function by Lambda proxy integration, and
 * what API Gateway makes of the function's answers.
 */
final class Integration {

    private static final System.Logger LOG = System.getLogger(Integration.class.getName());

    /** What a client gets back from a route, if anything: a frame, text or (base64-decoded) binary. */
    record Reply(String body, boolean base64) {
    }

    private final String function;
    private final Set<String> routes;
    private final FunctionInvoker invoker;
    private final WebSocketEvents events;

    Integration(String function, Set<String> routes, FunctionInvoker invoker, WebSocketEvents events) {
        this.function = function;
        this.routes = Set.copyOf(routes);
        this.invoker = invoker;
        this.events = events;
    }

    /**
     * The HTTP status the handshake gets: the function's {@code statusCode} (200 when it answers
     * none), 500 if it failed. An API without a {@code $connect} route accepts every connection.
     * {@code authorizer} is what the API's authorizer let the connection in with (null without one).
     */
    int connect(WebSocketConnection connection, Map<String, List<String>> headers, Map<String, List<String>> query,
            ObjectNode authorizer) {
        if (!routes.contains("$connect")) {
            return 200;
        }
        try {
            JsonNode response = parse(invoker.invoke(function,
                    bytes(events.connect(connection, headers, query, authorizer))));
            int status = response.path("statusCode").asInt(200);
            // A status no handshake can answer with (0 from an unset int field, say) is a malformed
            // integration response, which API Gateway reports as 502.
            return status >= 200 && status <= 599 ? status : 502;
        } catch (FunctionError e) {
            LOG.log(Level.WARNING, "$connect of {0} failed, handshake refused: {1}: {2}", connection.id(),
                    e.errorType(), e.getMessage());
            return 500;
        }
    }

    /**
     * Routes a message by the selection expression {@code $request.body.action}: the route named
     * by a JSON body's {@code action}, else {@code $default}. Without either, or when the function
     * fails, the client gets API Gateway's error message instead of a reply.
     */
    Optional<Reply> message(WebSocketConnection connection, String body, boolean base64) {
        String routeKey = base64 ? null : actionRoute(body);
        if (routeKey == null) {
            if (!routes.contains("$default")) {
                return Optional.of(error("Forbidden", connection));
            }
            routeKey = "$default";
        }
        ObjectNode event = events.message(connection, routeKey, body, base64);
        try {
            JsonNode response = parse(invoker.invoke(function, bytes(event)));
            JsonNode replyBody = response.path("body");
            return replyBody.isTextual()
                    ? Optional.of(new Reply(replyBody.asText(), response.path("isBase64Encoded").asBoolean(false)))
                    : Optional.empty();
        } catch (FunctionError e) {
            LOG.log(Level.WARNING, "route {0} failed for {1}: {2}: {3}", routeKey, connection.id(), e.errorType(),
                    e.getMessage());
            return Optional.of(error("Internal server error", connection,
                    event.get("requestContext").get("requestId").asText()));
        }
    }

    /** Best effort, as on AWS: the connection is gone already, so a failure can only be logged. */
    void disconnect(WebSocketConnection connection, int statusCode, String reason) {
        if (!routes.contains("$disconnect")) {
            return;
        }
        try {
            invoker.invoke(function, bytes(events.disconnect(connection, statusCode, reason)));
        } catch (FunctionError | RuntimeException e) {
            LOG.log(Level.WARNING, "$disconnect of " + connection.id() + " failed", e);
        }
    }

    private String actionRoute(String body) {
        try {
            String action = Json.parse(body).path("action").textValue();
            // Keys starting with $ are API Gateway's own; a body cannot select them.
            return action != null && !action.startsWith("$") && routes.contains(action) ? action : null;
        } catch (IllegalArgumentException notJson) {
            return null;
        }
    }

    private static Reply error(String message, WebSocketConnection connection) {
        return error(message, connection, ApiGatewayIds.next());
    }

    private static Reply error(String message, WebSocketConnection connection, String requestId) {
        ObjectNode error = Json.object();
        error.put("message", message);
        error.put("connectionId", connection.id());
        error.put("requestId", requestId);
        return new Reply(Json.write(error), false);
    }

    /** A function may answer anything; what is not a JSON object carries no status and no body. */
    private static JsonNode parse(byte[] response) {
        try {
            return Json.parse(new String(response, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return Json.object();
        }
    }

    private static byte[] bytes(ObjectNode event) {
        return Json.write(event).getBytes(StandardCharsets.UTF_8);
    }
}
