package dev.sluice.local.apigw;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.json.Json;
import dev.sluice.local.support.Await;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;

/** How connections end: by the client, by the limits, by the API shutting down; each with one {@code $disconnect}. */
class LocalWebSocketApiLifecycleTest {

    static final Set<String> ROUTES = Set.of("$connect", "$disconnect", "$default");
    final ScriptedWebSocketFunction function = new ScriptedWebSocketFunction();

    LocalWebSocketApi start(Set<String> routes, Limits limits) throws Exception {
        return LocalWebSocketApi.start("a1b2c3d4e5", "live", ScriptedWebSocketFunction.FUNCTION, routes, function,
                AwsBasicCredentials.create("AKIDLOCAL", "local-secret"), "us-east-1", limits);
    }

    String connectionOf(LocalWebSocketApi api, WebSocketClient[] client) throws Exception {
        String marker = UUID.randomUUID().toString();
        client[0] = WebSocketClient.connect(URI.create(api.webSocketUrl() + "?marker=" + marker));
        return function.connectionWithMarker(marker);
    }

    @Test
    void aClientCloseInvokesDisconnectExactlyOnceEvenWhenTheApiStopsAfterwards() throws Exception {
        WebSocketClient[] client = new WebSocketClient[1];
        String id;
        try (LocalWebSocketApi api = start(ROUTES, Limits.aws())) {
            id = connectionOf(api, client);
            client[0].close(1000, "bye");
            Await.until("the connection to close", () -> api.openConnections() == 0);
        }

        assertThat(function.routed(id, "$disconnect")).hasSize(1);
    }

    @Test
    void stoppingTheApiClosesEveryClientWith1001AndRunsTheirDisconnects() throws Exception {
        WebSocketClient[] first = new WebSocketClient[1];
        WebSocketClient[] second = new WebSocketClient[1];
        String firstId;
        String secondId;
        try (LocalWebSocketApi api = start(ROUTES, Limits.aws())) {
            firstId = connectionOf(api, first);
            secondId = connectionOf(api, second);
            // The server registers a connection in onWebSocketOpen, which may run just after the
            // client's handshake completes.
            Await.until("both connections registered", () -> api.openConnections() == 2);
            assertThat(api.openConnections()).isEqualTo(2);
        }

        assertThat(first[0].awaitClose().statusCode()).isEqualTo(1001);
        assertThat(second[0].awaitClose().statusCode()).isEqualTo(1001);
        assertThat(function.routed(firstId, "$disconnect")).hasSize(1);
        assertThat(function.routed(secondId, "$disconnect")).hasSize(1);
        assertThat(function.routed(firstId, "$disconnect").getFirst().get("requestContext")
                .get("disconnectStatusCode").asInt()).isEqualTo(1001);
    }

    @Test
    void anIdleConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        WebSocketClient[] client = new WebSocketClient[1];
        try (LocalWebSocketApi api = start(ROUTES,
                new Limits(Duration.ofMillis(300), Duration.ofHours(2), 128 * 1024, 32 * 1024))) {
            String id = connectionOf(api, client);

            assertThat(client[0].awaitClose().statusCode()).isEqualTo(1001);
            Await.until("the $disconnect", () -> !function.routed(id, "$disconnect").isEmpty());
            assertThat(api.openConnections()).isZero();
        }
    }

    @Test
    void aConnectionIsClosedWhenItReachesTheMaximumDuration() throws Exception {
        WebSocketClient[] client = new WebSocketClient[1];
        try (LocalWebSocketApi api = start(ROUTES,
                new Limits(Duration.ofMinutes(10), Duration.ofMillis(300), 128 * 1024, 32 * 1024))) {
            String id = connectionOf(api, client);

            WebSocketClient.Close close = client[0].awaitClose();
            assertThat(close.statusCode()).isEqualTo(1001);
            assertThat(close.reason()).isEqualTo("Going away");
            Await.until("the $disconnect", () -> !function.routed(id, "$disconnect").isEmpty());
            JsonNode context = function.routed(id, "$disconnect").getFirst().get("requestContext");
            assertThat(context.get("disconnectStatusCode").asInt()).isEqualTo(1001);
            assertThat(context.get("disconnectReason").asText()).isEqualTo("Going away");
        }
    }

    @Test
    void withoutConnectAndDisconnectRoutesEveryClientIsAcceptedAndOnlyMessagesInvoke() throws Exception {
        try (LocalWebSocketApi api = start(Set.of("$default"), Limits.aws())) {
            WebSocketClient client = WebSocketClient.connect(URI.create(api.webSocketUrl() + "?reject=401"));
            client.send("echo still routed");

            assertThat(client.nextText()).isEqualTo("still routed");
            client.close(1000, "done");
            Await.until("the connection to close", () -> api.openConnections() == 0);
        }
        assertThat(function.invocations.all()).extracting(i -> i.payload().get("requestContext").get("routeKey").asText())
                .containsExactly("$default");
    }

    @Test
    void aMessageNoRouteTakesGetsApiGatewaysForbiddenWithoutAnInvocation() throws Exception {
        try (LocalWebSocketApi api = start(Set.of("subscribe"), Limits.aws())) {
            WebSocketClient client = WebSocketClient.connect(api.webSocketUrl());
            client.send("{\"action\":\"unsubscribe\"}");

            JsonNode error = Json.parse(client.nextText());
            assertThat(error.get("message").asText()).isEqualTo("Forbidden");
            assertThat(error.get("connectionId").asText()).isNotBlank();
            client.close(1000, "done");
        }
        assertThat(function.invocations.all()).isEmpty();
    }
}
