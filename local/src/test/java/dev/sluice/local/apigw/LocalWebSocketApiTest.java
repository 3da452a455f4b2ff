package dev.sluice.local.apigw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.json.Json;
import dev.sluice.local.support.Await;
import java.net.URI;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;

/** The WebSocket side of the local API, through the JDK's WebSocket client: handshakes, routes, replies, limits. */
class LocalWebSocketApiTest {

    static final String API_ID = "a1b2c3d4e5";
    static final String STAGE = "live";
    static final ScriptedWebSocketFunction function = new ScriptedWebSocketFunction();
    static LocalWebSocketApi api;

    @BeforeAll
    static void start() throws Exception {
        api = LocalWebSocketApi.start(API_ID, STAGE, ScriptedWebSocketFunction.FUNCTION,
                Set.of("$connect", "$disconnect", "$default", "subscribe"), function,
                AwsBasicCredentials.create("AKIDLOCAL", "local-secret"), "us-east-1", Limits.aws());
    }

    @AfterAll
    static void stop() throws Exception {
        api.close();
    }

    /** A connection whose {@code $connect} carries a fresh marker, so its events can be told apart. */
    record Connected(WebSocketClient client, String id) {
    }

    static Connected connect() throws Exception {
        String marker = UUID.randomUUID().toString();
        WebSocketClient client = WebSocketClient.connect(url("?marker=" + marker));
        return new Connected(client, function.connectionWithMarker(marker));
    }

    static URI url(String query) {
        return URI.create(api.webSocketUrl() + query);
    }

    @Test
    void aConnectAnsweredWith401RefusesTheHandshakeWith401() {
        assertThatThrownBy(() -> WebSocketClient.connect(url("?reject=401")))
                .isInstanceOfSatisfying(WebSocketHandshakeException.class,
                        e -> assertThat(e.getResponse().statusCode()).isEqualTo(401));
    }

    @Test
    void aConnectThatFailsRefusesTheHandshakeWith500() {
        assertThatThrownBy(() -> WebSocketClient.connect(url("?fail=yes")))
                .isInstanceOfSatisfying(WebSocketHandshakeException.class,
                        e -> assertThat(e.getResponse().statusCode()).isEqualTo(500));
    }

    /**
     * A query that does not decode to UTF-8 text refuses the handshake with 400 before {@code $connect}
     * runs: the function never sees a half-decoded query (the JDK's client cannot send one, so a raw socket does).
     */
    @ParameterizedTest
    @ValueSource(strings = {"apiKey=%zz", "apiKey=%ff", "apiKey=%", "%C3=x"})
    void anUndecodableQueryRefusesTheHandshakeWith400WithoutInvokingConnect(String query) throws Exception {
        String marker = UUID.randomUUID().toString();
        try (RawHttp client = RawHttp.open(api.webSocketUrl())) {
            client.send("GET /" + STAGE + "?marker=" + marker + "&" + query + " HTTP/1.1\r\nHost: localhost\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n");

            RawHttp.Response response = client.response(WebSocketClient.WAIT);

            assertThat(response.status()).isEqualTo(400);
        }
        assertThat(function.connectEvent(marker)).isNull();
        assertThat(function.invocations.all()).noneMatch(i -> i.payload().toString().contains(marker));
    }

    @Test
    void anAcceptedConnectGetsApiGatewaysConnectEvent() throws Exception {
        String marker = UUID.randomUUID().toString();
        long before = System.currentTimeMillis();
        WebSocketClient client = WebSocketClient.connect(url("?marker=" + marker + "&tag=a&tag=b"));

        JsonNode event = function.connectEvent(marker);
        JsonNode context = event.get("requestContext");
        assertThat(context.get("routeKey").asText()).isEqualTo("$connect");
        assertThat(context.get("eventType").asText()).isEqualTo("CONNECT");
        assertThat(context.get("connectionId").asText()).matches("[A-Za-z0-9_-]{15}=");
        assertThat(context.get("apiId").asText()).isEqualTo(API_ID);
        assertThat(context.get("stage").asText()).isEqualTo(STAGE);
        assertThat(context.get("domainName").asText()).isEqualTo(api.webSocketUrl().getAuthority());
        assertThat(context.get("messageDirection").asText()).isEqualTo("IN");
        assertThat(context.get("requestId").asText()).isNotBlank();
        assertThat(context.get("connectedAt").asLong()).isBetween(before, System.currentTimeMillis());
        assertThat(context.get("requestTimeEpoch").asLong()).isGreaterThanOrEqualTo(context.get("connectedAt").asLong());
        assertThat(context.get("identity").get("sourceIp").asText()).isEqualTo("127.0.0.1");
        assertThat(context.get("identity").get("userAgent").asText()).startsWith("Java-http-client");
        assertThat(event.get("headers").get("Sec-WebSocket-Version").asText()).isEqualTo("13");
        assertThat(event.get("multiValueHeaders").get("Sec-WebSocket-Version").get(0).asText()).isEqualTo("13");
        assertThat(event.get("queryStringParameters").get("marker").asText()).isEqualTo(marker);
        assertThat(event.get("queryStringParameters").get("tag").asText()).isEqualTo("b");
        assertThat(event.get("multiValueQueryStringParameters").get("tag"))
                .extracting(JsonNode::asText).containsExactly("a", "b");
        assertThat(event.get("isBase64Encoded").asBoolean()).isFalse();
        // Registered when $connect accepted it, before the handshake's answer: no wait needed.
        assertThat(api.openConnections()).isPositive();
        client.close(1000, "done");
    }

    @Test
    void aMessageGoesToDefaultWithItsBodyOnTheSameConnection() throws Exception {
        Connected c = connect();
        c.client().send("{\"action\":\"unknown\",\"n\":1}");

        Await.until("the message at $default", () -> !function.routed(c.id(), "$default").isEmpty());
        JsonNode event = function.routed(c.id(), "$default").getFirst();
        JsonNode context = event.get("requestContext");
        assertThat(context.get("eventType").asText()).isEqualTo("MESSAGE");
        assertThat(context.get("messageId").asText()).isNotBlank();
        assertThat(context.get("connectedAt").asLong())
                .isEqualTo(function.routed(c.id(), "$connect").getFirst().get("requestContext").get("connectedAt").asLong());
        assertThat(event.get("body").asText()).isEqualTo("{\"action\":\"unknown\",\"n\":1}");
        assertThat(event.get("isBase64Encoded").asBoolean()).isFalse();
        assertThat(event.has("headers")).isFalse();
        c.client().close(1000, "done");
    }

    @Test
    void aMessageWhoseActionNamesARouteGoesToThatRoute() throws Exception {
        Connected c = connect();
        c.client().send("{\"action\":\"subscribe\"}");

        Await.until("the message at subscribe", () -> !function.routed(c.id(), "subscribe").isEmpty());
        assertThat(function.routed(c.id(), "$default")).isEmpty();
        c.client().close(1000, "done");
    }

    @Test
    void aResponseBodyIsSentBackToTheClient() throws Exception {
        Connected c = connect();
        c.client().send("echo hello back");

        assertThat(c.client().nextText()).isEqualTo("hello back");
        c.client().close(1000, "done");
    }

    @Test
    void aFailingRouteSendsTheClientApiGatewaysInternalServerError() throws Exception {
        Connected c = connect();
        c.client().send("fail");

        JsonNode error = Json.parse(c.client().nextText());
        assertThat(error.get("message").asText()).isEqualTo("Internal server error");
        assertThat(error.get("connectionId").asText()).isEqualTo(c.id());
        assertThat(error.get("requestId").asText())
                .isEqualTo(function.routed(c.id(), "$default").getFirst().get("requestContext").get("requestId").asText());
        c.client().close(1000, "done");
    }

    @Test
    void aBinaryFrameArrivesBase64Encoded() throws Exception {
        Connected c = connect();
        byte[] bytes = {0, 1, 2, (byte) 0xff};
        c.client().socket().sendBinary(ByteBuffer.wrap(bytes), true).get(10, TimeUnit.SECONDS);

        Await.until("the binary message", () -> !function.routed(c.id(), "$default").isEmpty());
        JsonNode event = function.routed(c.id(), "$default").getFirst();
        assertThat(event.get("isBase64Encoded").asBoolean()).isTrue();
        assertThat(Base64.getDecoder().decode(event.get("body").asText())).containsExactly(bytes);
        c.client().close(1000, "done");
    }

    @Test
    void aMessageOverTheSizeLimitClosesTheConnectionWith1009() throws Exception {
        Connected c = connect();
        // Five frames each within the 32 KiB frame limit, 150 KiB in all: over the 128 KiB message limit.
        String frame = "x".repeat(30 * 1024);
        for (int i = 0; i < 5; i++) {
            try {
                c.client().socket().sendText(frame, i == 4).get(10, TimeUnit.SECONDS);
            } catch (Exception closedMeanwhile) {
                break;
            }
        }

        assertThat(c.client().awaitClose().statusCode()).isEqualTo(1009);
        Await.until("the $disconnect", () -> !function.routed(c.id(), "$disconnect").isEmpty());
        assertThat(function.routed(c.id(), "$disconnect").getFirst().get("requestContext")
                .get("disconnectStatusCode").asInt()).isEqualTo(1009);
        assertThat(function.routed(c.id(), "$default")).isEmpty();
    }

    @Test
    void aClientCloseInvokesDisconnectOnceWithTheSameConnectionId() throws Exception {
        Connected c = connect();
        c.client().send("{\"n\":1}");
        Await.until("the message", () -> !function.routed(c.id(), "$default").isEmpty());
        c.client().close(1000, "bye");

        Await.until("the $disconnect", () -> !function.routed(c.id(), "$disconnect").isEmpty());
        Await.until("the server's close", () -> c.client().isClosed());
        List<JsonNode> events = function.eventsOf(c.id());
        assertThat(events).extracting(e -> e.get("requestContext").get("routeKey").asText())
                .containsExactly("$connect", "$default", "$disconnect");
        assertThat(events).extracting(e -> e.get("requestContext").get("eventType").asText())
                .containsExactly("CONNECT", "MESSAGE", "DISCONNECT");
        JsonNode context = events.getLast().get("requestContext");
        assertThat(context.get("disconnectStatusCode").asInt()).isEqualTo(1000);
        assertThat(context.get("disconnectReason").asText()).isEqualTo("bye");
    }

    @Test
    void aBase64ResponseBodyIsSentBackAsABinaryFrame() throws Exception {
        Connected c = connect();
        c.client().send("binary hello");

        assertThat(c.client().nextBinary()).isEqualTo("hello".getBytes(StandardCharsets.UTF_8));
        c.client().close(1000, "done");
    }
}
