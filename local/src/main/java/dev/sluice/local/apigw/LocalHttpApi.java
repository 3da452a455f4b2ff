package dev.sluice.local.apigw;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.json.Json;
import dev.sluice.core.topology.ApiSpec;
import dev.sluice.core.topology.AuthorizerSpec;
import dev.sluice.local.AwsIdentity;
import dev.sluice.local.Loopback;
import dev.sluice.local.lambda.FunctionError;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A local API Gateway REST API with a Lambda proxy integration: each request that matches a route
 * ({@code "POST /v1/jobs/{id}"}) becomes the proxy event the function gets on AWS, and the
 * function's {@code {statusCode, headers, body}} becomes the response. Like API Gateway it answers
 * 404 for no route, 405 (with {@code Allow}) for a route's path with another method, 400 for a URI
 * that does not decode, 413 over 10 MiB, 431 over 10,240 bytes of request line and headers, 502
 * when the function fails and 504 when it runs out of its own timeout.
 *
 * <p>On Jetty, as the WebSocket API is, for what {@code com.sun.net.httpserver} lacks: a per-server
 * idle timeout (a client that stops sending its head or body is cut off instead of holding a
 * connection for good: closed during the head, 408 during the body) and a request-head limit.
 */
public final class LocalHttpApi implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(LocalHttpApi.class.getName());
    /** API Gateway's payload limit. */
    public static final int MAX_BODY_BYTES = 10 * 1024 * 1024;
    /** API Gateway's quota on the request line and header values together. */
    public static final int MAX_HEADER_BYTES = 10_240;
    /**
     * How long a connection may send nothing while the client owes a request's head or body (or
     * between requests). Ours, as Jetty's default: AWS documents no figure. A function's run is not
     * idle time: the function's own timeout bounds it.
     */
    public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);

    /** The stage every request is on here, as in the proxy event and the method ARN. */
    private static final String STAGE = "$default";

    private final String apiId;
    private final String function;
    private final String accountId;
    private final String region;
    private final FunctionInvoker invoker;
    private final ApiAccess access;
    private final RestRoutes routes;
    private final ExecutorService requestThreads = Executors.newVirtualThreadPerTaskExecutor();
    private final Server server;
    private final ServerConnector connector;

    private LocalHttpApi(ApiSpec spec, AwsIdentity identity, FunctionInvoker invoker, ApiAccess access,
            Duration idleTimeout) {
        this.apiId = spec.name();
        this.function = spec.function();
        this.accountId = identity.accountId();
        this.region = identity.region();
        this.invoker = invoker;
        this.access = access;
        this.routes = new RestRoutes(spec.routes());
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("local-http-api");
        // A request's thread waits out its function (up to the function's timeout): let it be a cheap one.
        threads.setVirtualThreadsExecutor(requestThreads);
        this.server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setRequestHeaderSize(MAX_HEADER_BYTES);
        http.setSendServerVersion(false);
        this.connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(Loopback.HOST);
        connector.setPort(0);
        connector.setIdleTimeout(idleTimeout.toMillis());
        server.addConnector(connector);
        server.setErrorHandler(new JsonErrorHandler());
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                LocalHttpApi.this.handle(request, response, callback);
                return true;
            }
        });
    }

    /** An API anyone may call: no authorizer, no usage plans. */
    public static LocalHttpApi start(String apiId, String function, String accountId, List<String> routes,
            FunctionInvoker invoker) throws Exception {
        return start(apiId, function, accountId, routes, invoker, IDLE_TIMEOUT);
    }

    /** @param idleTimeout how long a client may stall while sending a request (tests shorten it) */
    public static LocalHttpApi start(String apiId, String function, String accountId, List<String> routes,
            FunctionInvoker invoker, Duration idleTimeout) throws Exception {
        ApiSpec spec = new ApiSpec(apiId, ApiSpec.Protocol.HTTP, null, function, routes);
        return start(spec, new AwsIdentity(AwsIdentity.LOCAL.region(), accountId), invoker, ApiAccess.open(spec),
                idleTimeout);
    }

    /**
     * The API as declared, its authorizer and usage plans included: {@code meter} keeps the plans'
     * counts (the caller closes it after this API), {@code clock} times the authorizer's cache and the
     * plans.
     */
    public static LocalHttpApi start(ApiSpec spec, AwsIdentity identity, FunctionInvoker invoker, UsageMeter meter,
            Clock clock) throws Exception {
        return start(spec, identity, invoker, ApiAccess.of(spec, invoker, meter, clock), IDLE_TIMEOUT);
    }

    private static LocalHttpApi start(ApiSpec spec, AwsIdentity identity, FunctionInvoker invoker, ApiAccess access,
            Duration idleTimeout) throws Exception {
        LocalHttpApi api = new LocalHttpApi(spec, identity, invoker, access, idleTimeout);
        api.server.start();
        return api;
    }

    public URI endpoint() {
        return URI.create("http://" + Loopback.HOST + ":" + connector.getLocalPort());
    }

    private void handle(Request request, Response response, Callback callback) {
        // Decoded by Jetty, which refuses a path that does not decode or hides a "/" in an escape.
        String path = request.getHttpURI().getDecodedPath();
        Map<String, List<String>> query;
        try {
            query = QueryString.parse(request.getHttpURI().getQuery());
        } catch (QueryString.UndecodableException e) {
            respond(response, callback, 400, e.getMessage());
            return;
        }
        switch (routes.find(request.getMethod(), RestRoutes.segments(path))) {
            case RestRoutes.NotFound notFound -> respond(response, callback, 404, "Not Found");
            case RestRoutes.MethodNotAllowed notAllowed -> {
                response.getHeaders().put(HttpHeader.ALLOW, String.join(", ", notAllowed.allowed()));
                respond(response, callback, 405, "Method Not Allowed");
            }
            case RestRoutes.Found found -> {
                byte[] body = body(request, response, callback);
                if (body != null) {
                    integrate(request, response, callback, new Matched(found, path, query, body));
                }
            }
        }
    }

    /** What the proxy event is made of besides the request itself. */
    private record Matched(RestRoutes.Found found, String path, Map<String, List<String>> query, byte[] body) {
    }

    /** The request's body, or null once the client has been answered (too large, or stalled). */
    private static byte[] body(Request request, Response response, Callback callback) {
        if (request.getLength() > MAX_BODY_BYTES) {
            respondAndClose(response, callback, 413, "Request Entity Too Large");
            return null;
        }
        try (InputStream in = Content.Source.asInputStream(request)) {
            byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
            if (bytes.length > MAX_BODY_BYTES) {
                respondAndClose(response, callback, 413, "Request Entity Too Large");
                return null;
            }
            return bytes;
        } catch (IOException e) {
            if (causedBy(e, TimeoutException.class)) {
                respondAndClose(response, callback, 408, "Request Timeout");
            } else {
                callback.failed(e);
            }
            return null;
        }
    }

    private void integrate(Request request, Response response, Callback callback, Matched matched) {
        String method = request.getMethod();
        ObjectNode event = proxyEvent(request, matched);
        String methodArn = "arn:aws:execute-api:" + region + ":" + accountId + ":" + apiId + "/" + STAGE + "/"
                + matched.found().route().method() + matched.path();
        Map<String, List<String>> headers = headers(request);
        switch (access.check(methodArn, source -> parameter(source, headers, matched.query()),
                () -> authorizerEvent(event, methodArn))) {
            case ApiAccess.Refuse refuse -> {
                GatewayResponses.Response refusal = refuse.response();
                refusal.headers().forEach(response.getHeaders()::put);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
                response.setStatus(refusal.status());
                response.write(true, ByteBuffer.wrap(refusal.body()), callback);
                return;
            }
            case ApiAccess.Pass pass -> {
                ObjectNode context = (ObjectNode) event.get("requestContext");
                if (pass.authorizer() != null) {
                    context.set("authorizer", pass.authorizer());
                }
                if (pass.apiKey() != null) {
                    ((ObjectNode) context.get("identity")).put("apiKey", pass.apiKey());
                }
            }
        }
        byte[] result;
        try {
            result = invoker.invoke(function, Json.write(event).getBytes(StandardCharsets.UTF_8));
        } catch (FunctionError e) {
            // What API Gateway's execution log would show; the client only sees the status.
            LOG.log(System.Logger.Level.WARNING, "{0} {1}: function {2} failed: {3}: {4}", method, matched.path(),
                    function, e.errorType(), e.getMessage());
            boolean timedOut = e.errorType().equals("Sandbox.Timedout");
            respond(response, callback, timedOut ? 504 : 502, timedOut ? "Endpoint request timed out"
                    : "Internal server error");
            return;
        }
        proxyResponse(response, callback, result);
    }

    /** A header (its last value, as the proxy event's single-value map has it) or query parameter; null if absent. */
    private static String parameter(AuthorizerSpec.IdentitySource source, Map<String, List<String>> headers,
            Map<String, List<String>> query) {
        List<String> values = switch (source.location()) {
            case HEADER -> headers.entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase(source.name()))
                    .map(Map.Entry::getValue).findFirst().orElse(null);
            case QUERYSTRING -> query.get(source.name());
        };
        return values == null || values.isEmpty() ? null : values.getLast();
    }

    /** API Gateway's REQUEST authorizer event: the request's parameters and context, no body. */
    private static ObjectNode authorizerEvent(ObjectNode proxyEvent, String methodArn) {
        ObjectNode event = Json.object();
        event.put("type", "REQUEST");
        event.put("methodArn", methodArn);
        event.setAll(proxyEvent.deepCopy());
        event.remove("body");
        event.remove("isBase64Encoded");
        return event;
    }

    private ObjectNode proxyEvent(Request request, Matched matched) {
        RestRoutes.Route route = matched.found().route();
        ObjectNode event = Json.object();
        event.put("resource", route.resource());
        event.put("path", matched.path());
        event.put("httpMethod", route.method());
        ObjectNode headers = event.putObject("headers");
        ObjectNode multiHeaders = event.putObject("multiValueHeaders");
        headers(request).forEach((name, values) -> {
            headers.put(name, values.getLast());
            values.forEach(multiHeaders.putArray(name)::add);
        });
        if (matched.query().isEmpty()) {
            event.putNull("queryStringParameters");
            event.putNull("multiValueQueryStringParameters");
        } else {
            ObjectNode single = event.putObject("queryStringParameters");
            ObjectNode multi = event.putObject("multiValueQueryStringParameters");
            matched.query().forEach((k, v) -> {
                single.put(k, v.getLast());
                v.forEach(multi.putArray(k)::add);
            });
        }
        if (matched.found().pathParameters().isEmpty()) {
            event.putNull("pathParameters");
        } else {
            ObjectNode params = event.putObject("pathParameters");
            matched.found().pathParameters().forEach(params::put);
        }
        event.putNull("stageVariables");
        ObjectNode context = event.putObject("requestContext");
        context.put("accountId", accountId);
        context.put("apiId", apiId);
        context.put("resourcePath", route.resource());
        context.put("httpMethod", route.method());
        context.put("path", matched.path());
        context.put("protocol", request.getConnectionMetaData().getProtocol());
        context.put("stage", STAGE);
        context.put("requestId", UUID.randomUUID().toString());
        context.put("requestTimeEpoch", Instant.now().toEpochMilli());
        ObjectNode identity = context.putObject("identity");
        identity.put("sourceIp", Request.getRemoteAddr(request));
        identity.put("userAgent", request.getHeaders().get(HttpHeader.USER_AGENT));
        byte[] body = matched.body();
        boolean text = isText(request.getHeaders().get(HttpHeader.CONTENT_TYPE));
        if (body.length == 0) {
            event.putNull("body");
        } else {
            event.put("body", text ? new String(body, StandardCharsets.UTF_8) : Base64.getEncoder().encodeToString(body));
        }
        event.put("isBase64Encoded", body.length > 0 && !text);
        return event;
    }

    /** Header names as the client wrote them (the first spelling of a repeated one), values in order. */
    private static Map<String, List<String>> headers(Request request) {
        Map<String, String> names = new LinkedHashMap<>();
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (HttpField field : request.getHeaders()) {
            String name = names.computeIfAbsent(field.getName().toLowerCase(Locale.ROOT), k -> field.getName());
            headers.computeIfAbsent(name, k -> new ArrayList<>()).add(field.getValue());
        }
        return headers;
    }

    private static void proxyResponse(Response response, Callback callback, byte[] result) {
        JsonNode parsed;
        try {
            parsed = Json.MAPPER.readTree(result);
        } catch (IOException e) {
            parsed = null;
        }
        JsonNode status = parsed == null ? null : parsed.get("statusCode");
        if (status == null || !status.canConvertToInt() || status.asInt() < 100 || status.asInt() > 599) {
            // API Gateway's answer to a proxy response it cannot read.
            respond(response, callback, 502, "Internal server error");
            return;
        }
        parsed.path("headers").properties().forEach(h -> response.getHeaders().put(h.getKey(), h.getValue().asText()));
        parsed.path("multiValueHeaders").properties().forEach(h -> h.getValue()
                .forEach(v -> response.getHeaders().add(h.getKey(), v.asText())));
        JsonNode bodyNode = parsed.get("body");
        byte[] body = bodyNode == null || bodyNode.isNull() ? new byte[0]
                : parsed.path("isBase64Encoded").asBoolean() ? Base64.getDecoder().decode(bodyNode.asText())
                : bodyNode.asText().getBytes(StandardCharsets.UTF_8);
        response.setStatus(status.asInt());
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    private static boolean isText(String contentType) {
        if (contentType == null) {
            return true;
        }
        String type = contentType.toLowerCase(Locale.ROOT);
        return type.startsWith("text/") || type.contains("json") || type.contains("xml")
                || type.contains("x-www-form-urlencoded");
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }

    /** Answers before the body was read: the connection cannot carry another request. */
    private static void respondAndClose(Response response, Callback callback, int status, String message) {
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        respond(response, callback, status, message);
    }

    private static void respond(Response response, Callback callback, int status, String message) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(JsonErrorHandler.body(message)), callback);
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            throw new IllegalStateException("the HTTP API did not stop", e);
        } finally {
            requestThreads.shutdownNow();
        }
    }
}
