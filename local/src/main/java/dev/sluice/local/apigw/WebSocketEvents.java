package dev.sluice.local.apigw;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.json.Json;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Lambda proxy events API Gateway sends a WebSocket API's integration, field for field as
 * {@code APIGatewayV2WebSocketEvent} reads them (and the {@code disconnectStatusCode} and
 * {@code disconnectReason} API Gateway adds on {@code $disconnect}, which that class lacks).
 */
final class WebSocketEvents {

    private static final DateTimeFormatter REQUEST_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private final String apiId;
    private final String stage;
    private final String domainName;

    WebSocketEvents(String apiId, String stage, String domainName) {
        this.apiId = apiId;
        this.stage = stage;
        this.domainName = domainName;
    }

    /** {@code authorizer}: what the API's authorizer let the connection in with (null without one). */
    ObjectNode connect(WebSocketConnection connection, Map<String, List<String>> headers,
            Map<String, List<String>> query, ObjectNode authorizer) {
        ObjectNode event = Json.object();
        ObjectNode single = event.putObject("headers");
        ObjectNode multi = event.putObject("multiValueHeaders");
        headers.forEach((name, values) -> {
            single.put(name, values.getLast());
            values.forEach(multi.putArray(name)::add);
        });
        // API Gateway leaves both out, rather than sending empty maps, when the URL has no query.
        if (!query.isEmpty()) {
            ObjectNode singleQuery = event.putObject("queryStringParameters");
            ObjectNode multiQuery = event.putObject("multiValueQueryStringParameters");
            query.forEach((name, values) -> {
                singleQuery.put(name, values.getLast());
                values.forEach(multiQuery.putArray(name)::add);
            });
        }
        ObjectNode context = requestContext(connection, "$connect", "CONNECT");
        if (authorizer != null) {
            context.set("authorizer", authorizer);
        }
        event.set("requestContext", context);
        event.put("isBase64Encoded", false);
        return event;
    }

    /** The REQUEST authorizer's event for a {@code $connect}: its parameters and context, and what it asks for. */
    ObjectNode authorizer(WebSocketConnection connection, Map<String, List<String>> headers,
            Map<String, List<String>> query, String methodArn) {
        ObjectNode event = Json.object();
        event.put("type", "REQUEST");
        event.put("methodArn", methodArn);
        event.setAll(connect(connection, headers, query, null));
        event.remove("isBase64Encoded");
        return event;
    }

    ObjectNode message(WebSocketConnection connection, String routeKey, String body, boolean base64) {
        ObjectNode event = Json.object();
        ObjectNode context = requestContext(connection, routeKey, "MESSAGE");
        context.put("messageId", ApiGatewayIds.next());
        event.set("requestContext", context);
        event.put("body", body);
        event.put("isBase64Encoded", base64);
        return event;
    }

    ObjectNode disconnect(WebSocketConnection connection, int statusCode, String reason) {
        ObjectNode event = Json.object();
        ObjectNode context = requestContext(connection, "$disconnect", "DISCONNECT");
        context.put("disconnectStatusCode", statusCode);
        context.put("disconnectReason", reason);
        event.set("requestContext", context);
        event.put("isBase64Encoded", false);
        return event;
    }

    private ObjectNode requestContext(WebSocketConnection connection, String routeKey, String eventType) {
        Instant now = Instant.now();
        String requestId = ApiGatewayIds.next();
        ObjectNode context = Json.object();
        context.put("routeKey", routeKey);
        context.put("eventType", eventType);
        context.put("extendedRequestId", requestId);
        context.put("requestTime", REQUEST_TIME.format(now));
        context.put("messageDirection", "IN");
        context.put("stage", stage);
        context.put("connectedAt", connection.connectedAt().toEpochMilli());
        context.put("requestTimeEpoch", now.toEpochMilli());
        ObjectNode identity = context.putObject("identity");
        identity.put("sourceIp", connection.sourceIp());
        if (connection.userAgent() != null) {
            identity.put("userAgent", connection.userAgent());
        }
        context.put("requestId", requestId);
        context.put("domainName", domainName);
        context.put("connectionId", connection.id());
        context.put("apiId", apiId);
        return context;
    }
}
