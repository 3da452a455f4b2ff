package dev.sluice.local.apigw;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The local REST API over real HTTP: proxy events, API Gateway's error answers, limits and read timeouts. */
class LocalHttpApiTest {

    static final ScriptedHttpFunction function = new ScriptedHttpFunction();
    /** The API's idle timeout here, shortened from API Gateway's so the tests of it take a second. */
    static final Duration IDLE = Duration.ofSeconds(1);
    /** Long enough for a stalled request to be cut off, short enough to fail fast if it never is. */
    static final Duration PATIENCE = IDLE.plusSeconds(9);
    static LocalHttpApi api;

    @BeforeAll
    static void start() throws Exception {
        api = LocalHttpApi.start("a1b2c3d4e5", ScriptedHttpFunction.FUNCTION, "123456789012",
                List.of("GET /v1/jobs", "POST /v1/jobs", "GET /v1/jobs/{id}", "DELETE /v1/jobs/{id}"), function,
                IDLE);
    }

    @AfterAll
    static void stop() throws Exception {
        api.close();
    }

    static URI uri(String target) {
        return URI.create(api.endpoint() + target);
    }

    /**
     * On a connection of its own: the server closes one idle for {@link #IDLE}, and a pooled one
     * reused just then fails as "header parser received no bytes" (seen once in a full build).
     */
    static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    @Test
    void aRequestBecomesTheProxyEventAndTheFunctionsAnswerTheResponse() throws Exception {
        String marker = UUID.randomUUID().toString();
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/v1/jobs/abc%20d+f?tag=a&tag=b&q=x%2By+z&e="))
                .header("x-marker", marker).header("X-Multi", "1").header("x-multi", "2"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("ok");
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain");
        JsonNode event = function.eventsMarked(marker).getFirst();
        assertThat(event.get("resource").asText()).isEqualTo("/v1/jobs/{id}");
        assertThat(event.get("httpMethod").asText()).isEqualTo("GET");
        assertThat(event.get("path").asText()).isEqualTo("/v1/jobs/abc d+f");
        assertThat(event.get("pathParameters")).isEqualTo(Json.parse("{\"id\":\"abc d+f\"}"));
        assertThat(event.get("queryStringParameters"))
                .isEqualTo(Json.parse("{\"tag\":\"b\",\"q\":\"x+y z\",\"e\":\"\"}"));
        assertThat(event.get("multiValueQueryStringParameters").get("tag"))
                .isEqualTo(Json.parse("[\"a\",\"b\"]"));
        assertThat(ScriptedHttpFunction.header(event, "x-multi")).isEqualTo("2");
        assertThat(event.get("body").isNull()).isTrue();
        assertThat(event.get("isBase64Encoded").asBoolean()).isFalse();
        JsonNode context = event.get("requestContext");
        assertThat(context.get("resourcePath").asText()).isEqualTo("/v1/jobs/{id}");
        assertThat(context.get("apiId").asText()).isEqualTo("a1b2c3d4e5");
        assertThat(context.get("accountId").asText()).isEqualTo("123456789012");
        assertThat(context.get("protocol").asText()).isEqualTo("HTTP/1.1");
        assertThat(context.get("identity").get("sourceIp").asText()).isEqualTo("127.0.0.1");
        assertThat(context.get("identity").get("userAgent").asText()).startsWith("Java-http-client");
    }

    @Test
    void aTextBodyArrivesAsTextAndABinaryOneBase64Encoded() throws Exception {
        String marker = UUID.randomUUID().toString();
        send(HttpRequest.newBuilder(uri("/v1/jobs")).header("x-marker", marker).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"a\":\"é\"}")));
        send(HttpRequest.newBuilder(uri("/v1/jobs")).header("x-marker", marker)
                .header("Content-Type", "application/octet-stream").POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {0, -1})));

        List<JsonNode> events = function.eventsMarked(marker);
        assertThat(events.get(0).get("body").asText()).isEqualTo("{\"a\":\"é\"}");
        assertThat(events.get(0).get("isBase64Encoded").asBoolean()).isFalse();
        assertThat(events.get(1).get("body").asText()).isEqualTo("AP8=");
        assertThat(events.get(1).get("isBase64Encoded").asBoolean()).isTrue();
    }

    @Test
    void aFailingFunctionGets502AndABodyOverTenMegabytes413() throws Exception {
        HttpResponse<String> failed = send(HttpRequest.newBuilder(uri("/v1/jobs")).header("x-script", "fail"));
        assertThat(failed.statusCode()).isEqualTo(502);
        assertThat(failed.body()).isEqualTo("{\"message\":\"Internal server error\"}");

        // Expect: 100-continue, as a client sending 10 MB should: the server answers 413 from the length and
        // closes; a client already writing the body may lose that answer to the reset (seen once in a full build).
        HttpResponse<String> tooLarge = send(HttpRequest.newBuilder(uri("/v1/jobs")).expectContinue(true)
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[LocalHttpApi.MAX_BODY_BYTES + 1])));
        assertThat(tooLarge.statusCode()).isEqualTo(413);
    }

    @Test
    void aPathWhoseRouteHasAnotherMethodGets405ListingThePathsMethods() throws Exception {
        HttpResponse<String> put = send(HttpRequest.newBuilder(uri("/v1/jobs/j-1"))
                .PUT(HttpRequest.BodyPublishers.ofString("{}")));
        assertThat(put.statusCode()).isEqualTo(405);
        assertThat(put.headers().firstValue("Allow")).hasValue("GET, DELETE");
        assertThat(put.body()).isEqualTo("{\"message\":\"Method Not Allowed\"}");

        HttpResponse<String> delete = send(HttpRequest.newBuilder(uri("/v1/jobs")).DELETE());
        assertThat(delete.statusCode()).isEqualTo(405);
        assertThat(delete.headers().firstValue("Allow")).hasValue("GET, POST");

        HttpResponse<String> unknown = send(HttpRequest.newBuilder(uri("/v1/nothing-here")));
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.headers().firstValue("Allow")).isEmpty();
        assertThat(unknown.body()).isEqualTo("{\"message\":\"Not Found\"}");
    }

    /** API Gateway's quota: 10,240 bytes for the request line and headers together. */
    @Test
    void headersOverTenKilobytesGet431AndJustUnderAreServed() throws Exception {
        String marker = UUID.randomUUID().toString();
        HttpResponse<String> under = send(HttpRequest.newBuilder(uri("/v1/jobs")).header("x-marker", marker)
                .header("x-big", "a".repeat(9_000)));
        assertThat(under.statusCode()).isEqualTo(200);

        HttpResponse<String> over = send(HttpRequest.newBuilder(uri("/v1/jobs")).header("x-marker", marker)
                .header("x-big", "a".repeat(10_300)));
        assertThat(over.statusCode()).isEqualTo(431);
        assertThat(over.body()).isEqualTo("{\"message\":\"Request Header Fields Too Large\"}");
        assertThat(function.eventsMarked(marker)).hasSize(1);
    }

    @Test
    void aClientThatStopsSendingItsHeadersIsCutOff() throws Exception {
        try (RawHttp client = RawHttp.open(api.endpoint())) {
            client.send("GET /v1/jobs HTTP/1.1\r\nHost: localhost\r\nx-half: ");

            RawHttp.Response response = client.response(PATIENCE);

            assertThat(response.status()).isIn(-1, 408);
        }
    }

    @Test
    void aClientThatStopsSendingItsBodyGets408AndTheFunctionIsNotInvoked() throws Exception {
        String marker = UUID.randomUUID().toString();
        try (RawHttp client = RawHttp.open(api.endpoint())) {
            client.send("POST /v1/jobs HTTP/1.1\r\nHost: localhost\r\nx-marker: " + marker
                    + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"half\":");

            RawHttp.Response response = client.response(PATIENCE);

            assertThat(response.status()).isEqualTo(408);
            assertThat(response.body()).isEqualTo("{\"message\":\"Request Timeout\"}");
        }
        assertThat(function.eventsMarked(marker)).isEmpty();
    }

    @Test
    void aFunctionSlowerThanTheIdleTimeoutStillAnswers() throws Exception {
        long sleep = IDLE.multipliedBy(5).dividedBy(2).toMillis();
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/v1/jobs")).header("x-script", "sleep " + sleep));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("ok");
    }

    /**
     * Escapes that decode to no UTF-8 text are refused, never half-decoded and passed to the
     * function; so are path escapes that would hide a "/" or a NUL in a path parameter.
     */
    @ParameterizedTest
    @ValueSource(strings = {"/v1/jobs?a=%zz", "/v1/jobs?a=%ff", "/v1/jobs?%C3=1", "/v1/jobs?a=%", "/v1/jobs?a=%4",
        "/v1/jobs/%zz", "/v1/jobs/%ff", "/v1/jobs/abc%e9", "/v1/jobs/a%2Fb", "/v1/jobs/a%00b"})
    void anUndecodableEscapeGets400AndTheFunctionIsNotInvoked(String target) throws Exception {
        int before = function.events().size();

        RawHttp.Response response = RawHttp.exchange(api.endpoint(), "GET", target, PATIENCE);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.header("Content-Type")).startsWith("application/json");
        assertThat(Json.parse(response.body()).get("message").asText()).isNotBlank();
        assertThat(function.events()).hasSize(before);
    }

    @Test
    void anEscapedNulIsDecodedLikeAnyOtherCharacter() throws Exception {
        String marker = UUID.randomUUID().toString();
        try (RawHttp client = RawHttp.open(api.endpoint())) {
            client.send("GET /v1/jobs?a=%00b HTTP/1.1\r\nHost: localhost\r\nx-marker: " + marker
                    + "\r\nConnection: close\r\n\r\n");
            assertThat(client.response(PATIENCE).status()).isEqualTo(200);
        }
        assertThat(function.eventsMarked(marker).getFirst().get("queryStringParameters").get("a").asText())
                .isEqualTo("\u0000b");
    }
}
