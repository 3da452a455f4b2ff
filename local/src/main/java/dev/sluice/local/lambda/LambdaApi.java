package dev.sluice.local.lambda;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.core.json.Json;
import dev.sluice.core.topology.FunctionSpec;
import dev.sluice.local.AwsIdentity;
import dev.sluice.local.Loopback;
import dev.sluice.local.http.AwsApiException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Lambda API of the local functions, on loopback, for the stock SDK {@code LambdaClient} and
 * the AWS CLI: Invoke (RequestResponse, Event through the same asynchronous path EventBridge
 * targets take, with its retries and on-failure destination, and DryRun) and GetFunction. Lambda
 * speaks rest-json: the operation is in the method and path, errors are {@code x-amzn-ErrorType}
 * with {@code {"Type", "message"}}. Signatures are not checked.
 */
public final class LambdaApi implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(LambdaApi.class.getName());
    /** Lambda's quotas on an Invoke request body: 6 MB synchronous, 1 MB asynchronous (since 2025). */
    static final int SYNC_PAYLOAD_LIMIT = 6 * 1024 * 1024;
    static final int ASYNC_PAYLOAD_LIMIT = 1024 * 1024;
    private static final Pattern INVOKE = Pattern.compile("/2015-03-31/functions/([^/]+)/invocations/?");
    private static final Pattern GET_FUNCTION = Pattern.compile("/2015-03-31/functions/([^/]+)/?");
    /** Locally there are no published versions: every qualifier served runs what the topology declares. */
    private static final String EXECUTED_VERSION = "$LATEST";

    private final LocalLambda lambda;
    private final AwsIdentity identity;
    private final HttpServer server;
    private final ExecutorService executor;

    private LambdaApi(LocalLambda lambda, AwsIdentity identity) throws IOException {
        this.lambda = lambda;
        this.identity = identity;
        this.server = HttpServer.create(new InetSocketAddress(Loopback.address(), 0), 64);
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    public static LambdaApi start(LocalLambda lambda, AwsIdentity identity) throws IOException {
        LambdaApi api = new LambdaApi(lambda, identity);
        api.server.start();
        return api;
    }

    public URI endpoint() {
        return URI.create("http://" + Loopback.HOST + ":" + server.getAddress().getPort());
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
            try {
                route(exchange);
            } catch (AwsApiException e) {
                error(exchange, e.status(), e.type(), e.getMessage());
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "internal error serving " + exchange.getRequestURI(), e);
                error(exchange, 500, "ServiceException", String.valueOf(e.getMessage()));
            }
        }
    }

    private void route(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        String method = exchange.getRequestMethod();
        Matcher invoke = INVOKE.matcher(path);
        if (invoke.matches() && method.equals("POST")) {
            invoke(exchange, reference(exchange, invoke.group(1)));
            return;
        }
        Matcher get = GET_FUNCTION.matcher(path);
        if (get.matches() && method.equals("GET")) {
            getFunction(exchange, reference(exchange, get.group(1)));
            return;
        }
        throw new AwsApiException(404, "UnknownOperationException",
                "the local Lambda API serves Invoke and GetFunction only, not " + method + " " + path);
    }

    /** The function named in the path (and the {@code Qualifier} parameter), which must exist here. */
    private FunctionReference reference(HttpExchange exchange, String rawName) {
        FunctionReference ref = FunctionReference.parse(decode(rawName), qualifierParameter(exchange), identity);
        if (!lambda.has(ref.name())) {
            throw FunctionReference.notFound(ref.arn(identity));
        }
        return ref;
    }

    private void invoke(HttpExchange exchange, FunctionReference ref) throws IOException {
        String type = exchange.getRequestHeaders().getFirst("X-Amz-Invocation-Type");
        type = type == null ? "RequestResponse" : type;
        int limit = switch (type) {
            case "RequestResponse", "DryRun" -> SYNC_PAYLOAD_LIMIT;
            case "Event" -> ASYNC_PAYLOAD_LIMIT;
            default -> throw new AwsApiException(400, "ValidationException", "1 validation error detected: Value '"
                    + type + "' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value"
                    + " set: [Event, RequestResponse, DryRun]");
        };
        byte[] payload = payload(exchange.getRequestBody(), limit, type.equals("Event") ? "InvokeAsync" : "Invoke");
        switch (type) {
            case "DryRun" -> empty(exchange, 204);
            case "Event" -> {
                lambda.invokeAsync(ref.name(), payload);
                empty(exchange, 202);
            }
            default -> {
                exchange.getResponseHeaders().set("X-Amz-Executed-Version", EXECUTED_VERSION);
                byte[] response;
                try {
                    response = lambda.invoke(ref.name(), payload);
                } catch (FunctionError e) {
                    // A function's failure is not the API's: 200, flagged, the error as the payload.
                    exchange.getResponseHeaders().set("X-Amz-Function-Error", "Unhandled");
                    response = Json.write(e.payload()).getBytes(StandardCharsets.UTF_8);
                }
                respond(exchange, 200, response);
            }
        }
    }

    /** The request body, which Lambda takes only as JSON and up to its quota; none at all is {@code {}}. */
    private static byte[] payload(InputStream body, int limit, String operation) throws IOException {
        byte[] payload = body.readNBytes(limit + 1);
        if (payload.length > limit) {
            throw new AwsApiException(413, "RequestTooLargeException",
                    "Request must be smaller than " + limit + " bytes for the " + operation + " operation");
        }
        if (payload.length == 0) {
            return "{}".getBytes(StandardCharsets.UTF_8);
        }
        try {
            Json.MAPPER.readTree(payload);
        } catch (IOException e) {
            throw new AwsApiException(400, "InvalidRequestContentException",
                    "Could not parse request body into json: " + e.getMessage().lines().findFirst().orElse(""));
        }
        return payload;
    }

    private void getFunction(HttpExchange exchange, FunctionReference ref) throws IOException {
        FunctionSpec spec = lambda.function(ref.name()).spec();
        ObjectNode body = Json.object();
        ObjectNode configuration = body.putObject("Configuration");
        configuration.put("FunctionName", spec.name());
        configuration.put("FunctionArn", ref.arn(identity));
        configuration.put("Runtime", "java21");
        configuration.put("Handler", spec.handler());
        configuration.put("MemorySize", spec.memoryMb());
        configuration.put("Timeout", spec.timeoutSeconds());
        configuration.put("Version", EXECUTED_VERSION);
        configuration.put("State", "Active");
        configuration.put("LastUpdateStatus", "Successful");
        configuration.put("PackageType", "Zip");
        respond(exchange, 200, Json.write(body).getBytes(StandardCharsets.UTF_8));
    }

    private static String qualifierParameter(HttpExchange exchange) {
        String query = exchange.getRequestURI().getRawQuery();
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals("Qualifier")) {
                String value = decode(pair.substring(eq + 1));
                return value.isEmpty() ? null : value;
            }
        }
        return null;
    }

    private static String decode(String raw) {
        return URLDecoder.decode(raw, StandardCharsets.UTF_8);
    }

    private static void error(HttpExchange exchange, int status, String type, String message) throws IOException {
        ObjectNode body = Json.object();
        body.put("Type", status >= 500 ? "Service" : "User");
        body.put("message", message);
        exchange.getResponseHeaders().set("x-amzn-ErrorType", type);
        respond(exchange, status, Json.write(body).getBytes(StandardCharsets.UTF_8));
    }

    private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        if (body.length == 0) { // a length of 0 would mean chunked to HttpServer
            empty(exchange, status);
            return;
        }
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static void empty(HttpExchange exchange, int status) throws IOException {
        exchange.sendResponseHeaders(status, -1);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
