package dev.sluice.local.apigw;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.core.json.Json;
import dev.sluice.local.Loopback;
import dev.sluice.local.lambda.FunctionError;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local API Gateway REST API with a Lambda proxy integration: each request that matches a route
 * ({@code "POST /v1/jobs/{id}"}) becomes the proxy event the function gets on AWS, and the
 * function's {@code {statusCode, headers, body}} becomes the response. Like API Gateway it answers
 * 404 for no route, 413 over 10 MiB, 502 when the function fails and 504 after 29 seconds.
 */
public final class LocalHttpApi implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(LocalHttpApi.class.getName());
    /** API Gateway's payload limit. */
    public static final int MAX_BODY_BYTES = 10 * 1024 * 1024;

    private record Route(String method, String resource, Pattern pattern, List<String> params) {
    }

    private final String apiId;
    private final String function;
    private final String accountId;
    private final FunctionInvoker invoker;
    private final List<Route> routes;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    private LocalHttpApi(String apiId, String function, String accountId, List<String> routes,
            FunctionInvoker invoker) throws IOException {
        this.apiId = apiId;
        this.function = function;
        this.accountId = accountId;
        this.invoker = invoker;
        this.routes = routes.stream().map(LocalHttpApi::route).toList();
        this.server = HttpServer.create(new InetSocketAddress(Loopback.address(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    public static LocalHttpApi start(String apiId, String function, String accountId, List<String> routes,
            FunctionInvoker invoker) throws IOException {
        LocalHttpApi api = new LocalHttpApi(apiId, function, accountId, routes, invoker);
        api.server.start();
        return api;
    }

    public URI endpoint() {
        return URI.create("http://" + Loopback.HOST + ":" + server.getAddress().getPort());
    }

    private static Route route(String spec) {
        String[] parts = spec.split(" ", 2);
        List<String> params = new ArrayList<>();
        Matcher m = Pattern.compile("\\{([^}]+)}").matcher(parts[1]);
        StringBuilder regex = new StringBuilder();
        int last = 0;
        while (m.find()) {
            regex.append(Pattern.quote(parts[1].substring(last, m.start()))).append("([^/]+)");
            params.add(m.group(1));
            last = m.end();
        }
        regex.append(Pattern.quote(parts[1].substring(last)));
        return new Route(parts[0], parts[1], Pattern.compile(regex.toString()), params);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getRawPath();
            Route route = null;
            Map<String, String> pathParams = new LinkedHashMap<>();
            for (Route r : routes) {
                Matcher m = r.pattern().matcher(path);
                if (r.method().equals(method) && m.matches()) {
                    route = r;
                    for (int i = 0; i < r.params().size(); i++) {
                        pathParams.put(r.params().get(i), URLDecoder.decode(m.group(i + 1), StandardCharsets.UTF_8));
                    }
                    break;
                }
            }
            if (route == null) {
                respond(exchange, 404, "{\"message\":\"Not Found\"}");
                return;
            }
            byte[] body = readAtMost(exchange.getRequestBody(), MAX_BODY_BYTES);
            if (body == null) {
                respond(exchange, 413, "{\"message\":\"Request Entity Too Large\"}");
                return;
            }
            byte[] response;
            try {
                response = invoker.invoke(function, Json.write(proxyEvent(exchange, route, pathParams, body))
                        .getBytes(StandardCharsets.UTF_8));
            } catch (FunctionError e) {
                // What API Gateway's execution log would show; the client only sees the status.
                LOG.log(System.Logger.Level.WARNING, "{0} {1}: function {2} failed: {3}: {4}", method, path, function,
                        e.errorType(), e.getMessage());
                boolean timedOut = e.errorType().equals("Sandbox.Timedout");
                respond(exchange, timedOut ? 504 : 502, timedOut ? "{\"message\":\"Endpoint request timed out\"}"
                        : "{\"message\":\"Internal server error\"}");
                return;
            }
            proxyResponse(exchange, response);
        }
    }

    private ObjectNode proxyEvent(HttpExchange exchange, Route route, Map<String, String> pathParams, byte[] body) {
        ObjectNode event = Json.object();
        event.put("resource", route.resource());
        event.put("path", exchange.getRequestURI().getPath());
        event.put("httpMethod", route.method());
        ObjectNode headers = event.putObject("headers");
        ObjectNode multiHeaders = event.putObject("multiValueHeaders");
        exchange.getRequestHeaders().forEach((name, values) -> {
            headers.put(name, values.get(values.size() - 1));
            values.forEach(multiHeaders.putArray(name)::add);
        });
        Map<String, List<String>> query = query(exchange.getRequestURI().getRawQuery());
        if (query.isEmpty()) {
            event.putNull("queryStringParameters");
            event.putNull("multiValueQueryStringParameters");
        } else {
            ObjectNode single = event.putObject("queryStringParameters");
            ObjectNode multi = event.putObject("multiValueQueryStringParameters");
            query.forEach((k, v) -> {
                single.put(k, v.get(v.size() - 1));
                v.forEach(multi.putArray(k)::add);
            });
        }
        if (pathParams.isEmpty()) {
            event.putNull("pathParameters");
        } else {
            ObjectNode params = event.putObject("pathParameters");
            pathParams.forEach(params::put);
        }
        event.putNull("stageVariables");
        ObjectNode context = event.putObject("requestContext");
        context.put("accountId", accountId);
        context.put("apiId", apiId);
        context.put("resourcePath", route.resource());
        context.put("httpMethod", route.method());
        context.put("path", exchange.getRequestURI().getPath());
        context.put("protocol", exchange.getProtocol());
        context.put("stage", "$default");
        context.put("requestId", UUID.randomUUID().toString());
        context.put("requestTimeEpoch", Instant.now().toEpochMilli());
        ObjectNode identity = context.putObject("identity");
        identity.put("sourceIp", exchange.getRemoteAddress().getAddress().getHostAddress());
        identity.put("userAgent", exchange.getRequestHeaders().getFirst("User-Agent"));
        boolean text = isText(exchange.getRequestHeaders().getFirst("Content-Type"));
        if (body.length == 0) {
            event.putNull("body");
        } else {
            event.put("body", text ? new String(body, StandardCharsets.UTF_8)
                    : java.util.Base64.getEncoder().encodeToString(body));
        }
        event.put("isBase64Encoded", body.length > 0 && !text);
        return event;
    }

    private static void proxyResponse(HttpExchange exchange, byte[] response) throws IOException {
        JsonNode result;
        try {
            result = Json.MAPPER.readTree(response);
        } catch (IOException e) {
            result = null;
        }
        if (result == null || !result.path("statusCode").canConvertToInt()) {
            // API Gateway's answer to a proxy response it cannot read.
            respond(exchange, 502, "{\"message\":\"Internal server error\"}");
            return;
        }
        result.path("headers").fields().forEachRemaining(h -> exchange.getResponseHeaders().set(h.getKey(),
                h.getValue().asText()));
        result.path("multiValueHeaders").fields().forEachRemaining(h -> h.getValue()
                .forEach(v -> exchange.getResponseHeaders().add(h.getKey(), v.asText())));
        JsonNode bodyNode = result.get("body");
        byte[] body = bodyNode == null || bodyNode.isNull() ? new byte[0]
                : result.path("isBase64Encoded").asBoolean() ? java.util.Base64.getDecoder().decode(bodyNode.asText())
                : bodyNode.asText().getBytes(StandardCharsets.UTF_8);
        send(exchange, result.get("statusCode").asInt(), body);
    }

    private static boolean isText(String contentType) {
        if (contentType == null) {
            return true;
        }
        String type = contentType.toLowerCase(java.util.Locale.ROOT);
        return type.startsWith("text/") || type.contains("json") || type.contains("xml")
                || type.contains("x-www-form-urlencoded");
    }

    private static Map<String, List<String>> query(String raw) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return params;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return params;
    }

    /** The body, or null if it is longer than {@code limit}. */
    private static byte[] readAtMost(InputStream in, int limit) throws IOException {
        byte[] bytes = in.readNBytes(limit + 1);
        return bytes.length > limit ? null : bytes;
    }

    private static void respond(HttpExchange exchange, int status, String json) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        send(exchange, status, json.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
