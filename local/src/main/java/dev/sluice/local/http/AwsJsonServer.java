package dev.sluice.local.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.core.json.Json;
import dev.sluice.local.Loopback;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A loopback server for an AWS JSON protocol service ({@code awsJson1_0}/{@code awsJson1_1}):
 * {@code POST /} with {@code X-Amz-Target: <prefix>.<Operation>}, a JSON body in, a JSON body out,
 * errors as {@code {"__type", "message"}}. Signatures are not checked: the stock SDK clients and
 * the AWS CLI work with any credentials.
 */
public final class AwsJsonServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(AwsJsonServer.class.getName());

    private final HttpServer server;
    private final ExecutorService executor;
    private final String targetPrefix;
    private final String contentType;
    private final Map<String, Function<JsonNode, JsonNode>> operations;

    private AwsJsonServer(String targetPrefix, String protocolVersion,
            Map<String, Function<JsonNode, JsonNode>> operations) throws IOException {
        this.targetPrefix = targetPrefix + ".";
        this.contentType = "application/x-amz-json-" + protocolVersion;
        this.operations = Map.copyOf(operations);
        this.server = HttpServer.create(new InetSocketAddress(Loopback.address(), 0), 64);
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    public static AwsJsonServer start(String targetPrefix, String protocolVersion,
            Map<String, Function<JsonNode, JsonNode>> operations) throws IOException {
        AwsJsonServer s = new AwsJsonServer(targetPrefix, protocolVersion, operations);
        s.server.start();
        return s;
    }

    public URI endpoint() {
        return URI.create("http://" + Loopback.HOST + ":" + server.getAddress().getPort());
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            try {
                respond(exchange, 200, dispatch(exchange));
            } catch (AwsApiException e) {
                respond(exchange, e.status(), error(e.type(), e.getMessage()));
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "internal error serving " + targetPrefix + "*", e);
                respond(exchange, 500, error("InternalException", String.valueOf(e.getMessage())));
            }
        }
    }

    private JsonNode dispatch(HttpExchange exchange) throws IOException {
        if (!"POST".equals(exchange.getRequestMethod())) {
            throw new AwsApiException(405, "UnsupportedOperation", "only POST is served");
        }
        String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
        if (target == null || !target.startsWith(targetPrefix)) {
            throw new AwsApiException(400, "UnknownOperationException", "missing or foreign X-Amz-Target: " + target);
        }
        Function<JsonNode, JsonNode> operation = operations.get(target.substring(targetPrefix.length()));
        if (operation == null) {
            throw new AwsApiException(400, "UnknownOperationException", "operation " + target + " is not supported");
        }
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        JsonNode request;
        try {
            request = body.isBlank() ? Json.object() : Json.parse(body);
        } catch (IllegalArgumentException e) {
            throw new AwsApiException(400, "SerializationException", e.getMessage());
        }
        if (!request.isObject()) {
            throw new AwsApiException(400, "SerializationException", "the request body must be a JSON object");
        }
        return operation.apply(request);
    }

    private static ObjectNode error(String type, String message) {
        ObjectNode error = Json.object();
        error.put("__type", type);
        error.put("message", message);
        return error;
    }

    private void respond(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        if (status >= 400) {
            exchange.getResponseHeaders().set("X-Amzn-ErrorType", body.get("__type").asText());
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
