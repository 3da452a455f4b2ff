package dev.sluice.local.apigw;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.json.Json;
import dev.sluice.local.http.AwsApiException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.api.StatusCode;

/**
 * The API Gateway management API ({@code @connections}) of one stage, SigV4-checked as on AWS:
 * {@code POST /{stage}/@connections/{id}} sends the body to the client as a text frame,
 * {@code GET} describes the connection, {@code DELETE} closes it.
 */
final class ConnectionsApi extends Handler.Abstract {

    private static final Set<String> METHODS = Set.of("POST", "GET", "DELETE");
    /** How long a post may wait for its frame to be written before the client counts as gone. */
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);

    private final String prefix;
    private final Map<String, WebSocketConnection> open;
    private final SigV4Verifier verifier;
    private final int maxMessageBytes;

    ConnectionsApi(String stage, Map<String, WebSocketConnection> open, SigV4Verifier verifier, int maxMessageBytes) {
        this.prefix = "/" + stage + "/@connections/";
        this.open = open;
        this.verifier = verifier;
        this.maxMessageBytes = maxMessageBytes;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        try {
            String connectionId = route(request);
            byte[] body = BufferUtil.toArray(Content.Source.asByteBuffer(request));
            HttpURI uri = request.getHttpURI();
            verifier.verify(request.getMethod(), uri.getQuery() == null ? uri.getPath() : uri.getPathQuery(),
                    name -> request.getHeaders().getValuesList(name), body);
            switch (request.getMethod()) {
                case "POST" -> {
                    post(connection(connectionId), body);
                    respond(response, callback, 200, null);
                }
                case "GET" -> respond(response, callback, 200, Json.write(describe(connection(connectionId))));
                default -> {
                    connection(connectionId).close(StatusCode.NORMAL, "Connection Closed Normally");
                    respond(response, callback, 204, null);
                }
            }
        } catch (AwsApiException e) {
            ObjectNode error = Json.object();
            error.put("message", e.getMessage());
            response.getHeaders().put("x-amzn-ErrorType", e.type());
            respond(response, callback, e.status(), Json.write(error));
        }
        return true;
    }

    /** The connection id the path names; API Gateway answers anything else it has no route for this way. */
    private String route(Request request) {
        String path = request.getHttpURI().getDecodedPath();
        if (!METHODS.contains(request.getMethod()) || !path.startsWith(prefix) || path.length() == prefix.length()
                || path.indexOf('/', prefix.length()) >= 0) {
            throw new AwsApiException(403, "MissingAuthenticationTokenException", "Missing Authentication Token");
        }
        return path.substring(prefix.length());
    }

    private WebSocketConnection connection(String id) {
        WebSocketConnection connection = open.get(id);
        if (connection == null) {
            throw gone();
        }
        return connection;
    }

    private void post(WebSocketConnection connection, byte[] data) throws InterruptedException {
        if (data.length > maxMessageBytes) {
            throw new AwsApiException(413, "PayloadTooLargeException",
                    "Message size exceeds the limit of " + maxMessageBytes + " bytes");
        }
        try {
            connection.send(new String(data, StandardCharsets.UTF_8))
                    .get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw gone();
        }
    }

    private static ObjectNode describe(WebSocketConnection connection) {
        ObjectNode info = Json.object();
        info.put("connectedAt", iso(connection.connectedAt()));
        ObjectNode identity = info.putObject("identity");
        identity.put("sourceIp", connection.sourceIp());
        identity.put("userAgent", connection.userAgent());
        info.put("lastActiveAt", iso(connection.lastActiveAt()));
        return info;
    }

    private static String iso(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MILLIS).toString();
    }

    /** API Gateway's GoneException carries no message: the body is literally {@code {"message":null}}. */
    private static AwsApiException gone() {
        return new AwsApiException(410, "GoneException", null);
    }

    private static void respond(Response response, Callback callback, int status, String json) {
        response.setStatus(status);
        if (json == null) {
            response.write(true, BufferUtil.EMPTY_BUFFER, callback);
        } else {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            Content.Sink.write(response, true, json, callback);
        }
    }
}
