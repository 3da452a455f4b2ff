package dev.sluice.local.stores;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.json.Json;
import dev.sluice.local.Loopback;
import dev.sluice.workers.push.Connection;
import dev.sluice.workers.push.Connections;
import dev.sluice.workers.push.ConnectionsApi;
import dev.sluice.workers.push.NumberedPushes;
import dev.sluice.workers.push.PushLog;
import dev.sluice.workers.push.Pusher;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;

/**
 * The push target of streamed deltas on DynamoDB Local's engine, posting to a scripted
 * {@code @connections} endpoint: numbered in the user's log, posted to each of the user's connections,
 * and once numbered never thrown back (that would have it numbered again).
 */
class NumberedPushesTest {

    static StoreFixture fixture;
    static PushLog pushLog;
    static Connections connections;
    static HttpServer connectionsApi;
    static ApiGatewayManagementApiClient client;
    static final Map<String, Integer> statusByConnection = new ConcurrentHashMap<>();
    static final List<String> posted = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        fixture = new StoreFixture();
        pushLog = new PushLog(fixture.dynamoDb, "sluice-push-log");
        connections = new Connections(fixture.dynamoDb, "sluice-connections");
        connectionsApi = HttpServer.create(new InetSocketAddress(Loopback.address(), 0), 0);
        connectionsApi.createContext("/", exchange -> {
            try (exchange) {
                String path = exchange.getRequestURI().getPath();
                String id = path.substring(path.lastIndexOf('/') + 1);
                posted.add(id + " " + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                int status = statusByConnection.getOrDefault(id, 200);
                byte[] body = status == 200 ? new byte[0] : "{\"message\":\"no\"}".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
                exchange.getResponseBody().write(body);
            }
        });
        connectionsApi.start();
        client = ConnectionsApi.client(new AwsClients(Map.of("AWS_REGION", "us-east-1", "AWS_ACCESS_KEY_ID", "AKID",
                "AWS_SECRET_ACCESS_KEY", "secret", "WEBSOCKET_MANAGEMENT_URL",
                "http://" + Loopback.HOST + ":" + connectionsApi.getAddress().getPort() + "/live")));
    }

    @AfterAll
    static void stop() {
        client.close();
        connectionsApi.stop(0);
        fixture.close();
    }

    private static ObjectNode delta(String text) {
        ObjectNode message = Json.object();
        message.put("type", "job.delta");
        message.put("jobId", "job-1");
        message.put("offset", 0);
        message.put("text", text);
        return message;
    }

    @Test
    void aDeltaIsNumberedInTheUsersLogAndPostedToEachOfTheUsersConnectionsOnly() {
        long now = System.currentTimeMillis();
        connections.put(new Connection("conn-a1", "t-np", "ada", now));
        connections.put(new Connection("conn-a2", "t-np", "ada", now));
        connections.put(new Connection("conn-b", "t-np", "bob", now));
        statusByConnection.put("conn-a1", 500);
        NumberedPushes pushes = new NumberedPushes(pushLog, connections, new Pusher(client, connections),
                Clock.systemUTC());

        assertThatCode(() -> pushes.push("t-np", "ada", delta("Hello"))).doesNotThrowAnyException();
        pushes.push("t-np", "ada", delta("world"));

        assertThat(pushLog.after("t-np", "ada", 0, 10, now)).extracting(m -> m.get("seq").asLong() + " "
                + m.get("text").asText()).containsExactly("1 Hello", "2 world");
        assertThat(posted).anyMatch(p -> p.startsWith("conn-a2 ") && p.contains("\"seq\":2") && p.contains("world"));
        assertThat(posted).anyMatch(p -> p.startsWith("conn-a1 "));
        assertThat(posted).noneMatch(p -> p.startsWith("conn-b "));
    }

    @Test
    void aMessageNumberedButNotDeliveredBecauseTheConnectionsCannotBeReadIsNotThrownBack() {
        Connections unreadable = new Connections(fixture.dynamoDb, "no-such-table");
        NumberedPushes pushes = new NumberedPushes(pushLog, unreadable, new Pusher(client, unreadable),
                Clock.systemUTC());

        assertThatCode(() -> pushes.push("t-np", "cy", delta("kept"))).doesNotThrowAnyException();

        assertThat(pushLog.after("t-np", "cy", 0, 10, System.currentTimeMillis())).singleElement()
                .satisfies(m -> assertThat(m.get("text").asText()).isEqualTo("kept"));
    }
}
