package dev.sluice.local.stores;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.f4b6a3.uuid.UuidCreator;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.jobs.Job;
import dev.sluice.core.jobs.JobStore;
import dev.sluice.core.jobs.JobType;
import dev.sluice.core.json.Json;
import dev.sluice.local.Loopback;
import dev.sluice.workers.notify.Notifier;
import dev.sluice.workers.push.Connection;
import dev.sluice.workers.push.Connections;
import dev.sluice.workers.push.ConnectionsApi;
import dev.sluice.workers.push.PushLog;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The notifier and the push log on DynamoDB Local's engine, posting to a scripted {@code @connections}
 * endpoint: numbered once per outcome however often the event comes, gapless, and one failing
 * connection never costs the others their push.
 */
class NotifierTest {

    static StoreFixture fixture;
    static JobStore jobs;
    static PushLog pushLog;
    static Connections connections;
    static HttpServer connectionsApi;
    static final Map<String, Integer> statusByConnection = new ConcurrentHashMap<>();
    static final List<String> posted = new CopyOnWriteArrayList<>();
    static Notifier notifier;

    @BeforeAll
    static void start() throws Exception {
        fixture = new StoreFixture();
        jobs = new JobStore(fixture.dynamoDb, "sluice-jobs");
        pushLog = new PushLog(fixture.dynamoDb, "sluice-push-log");
        connections = new Connections(fixture.dynamoDb, "sluice-connections");
        connectionsApi = HttpServer.create(new InetSocketAddress(Loopback.address(), 0), 0);
        connectionsApi.createContext("/", exchange -> {
            try (exchange) {
                String path = exchange.getRequestURI().getPath();
                String id = path.substring(path.lastIndexOf('/') + 1);
                posted.add(id + " " + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                int status = statusByConnection.getOrDefault(id, 200);
                byte[] body = status == 200 ? new byte[0] : "{\"message\":\"broken\"}".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
                exchange.getResponseBody().write(body);
            }
        });
        connectionsApi.start();
        notifier = new Notifier(pushLog, jobs, connections, ConnectionsApi.client(new AwsClients(Map.of(
                "AWS_REGION", "us-east-1", "AWS_ACCESS_KEY_ID", "AKID", "AWS_SECRET_ACCESS_KEY", "secret",
                "WEBSOCKET_MANAGEMENT_URL", "http://" + Loopback.HOST + ":" + connectionsApi.getAddress().getPort()
                        + "/live"))), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        connectionsApi.stop(0);
        fixture.close();
    }

    /** A job of {@code user} that finished and owes its announcement; returns its "Job Completed" event. */
    static String completedJobEvent(String tenant, String user) {
        long now = System.currentTimeMillis();
        Job job = Job.queued(UuidCreator.getTimeOrderedEpoch().toString(), tenant, user, JobType.ANALYTICS_EVENT,
                "normal", now, Json.parse("{}"), null);
        jobs.create(job, null, null, now, now + 3_600_000);
        Job running = ((JobStore.Claim.Running) jobs.markRunning(tenant, job.jobId(), now, now + 60_000, now))
                .job();
        jobs.complete(running, Json.parse("{\"counted\":true}"), null, now, List.of());
        ObjectNode event = Json.object();
        event.put("detail-type", "Job Completed");
        event.put("time", "2026-12-01T10:00:00Z");
        event.putObject("detail").put("jobId", job.jobId()).put("tenantId", tenant).put("userId", user)
                .put("type", "analytics.event").put("status", "SUCCEEDED").put("attempts", 1)
                .put("completedAt", now).set("result", Json.parse("{\"counted\":true}"));
        return Json.write(event);
    }

    static JsonNode notify(String event) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        notifier.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
        return Json.parse(out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anOutcomeDeliveredTwiceIsLoggedAndPushedOnceAndSpendsNoNumber() throws Exception {
        String event = completedJobEvent("t-dup", "ada");
        connections.put(new Connection("conn-dup", "t-dup", "ada", System.currentTimeMillis()));

        JsonNode first = notify(event);
        JsonNode again = notify(event);
        notify(completedJobEvent("t-dup", "ada"));

        assertThat(first.get("seq").asLong()).isEqualTo(1);
        assertThat(again.get("seq").isNull()).isTrue();
        assertThat(posted.stream().filter(p -> p.startsWith("conn-dup "))).hasSize(2);
        assertThat(pushLog.after("t-dup", "ada", 0, 10, System.currentTimeMillis()))
                .extracting(m -> m.get("seq").asLong()).containsExactly(1L, 2L);
    }

    @Test
    void aConnectionThatFailsDoesNotCostTheOthersTheirPush() throws Exception {
        long now = System.currentTimeMillis();
        connections.put(new Connection("conn-broken", "t-iso", "bob", now));
        connections.put(new Connection("conn-fine", "t-iso", "bob", now));
        statusByConnection.put("conn-broken", 500);

        JsonNode result = notify(completedJobEvent("t-iso", "bob"));

        assertThat(result.get("delivered").asInt()).isEqualTo(1);
        assertThat(posted).anyMatch(p -> p.startsWith("conn-fine ") && p.contains("job.completed"));
        assertThat(posted.stream().filter(p -> p.startsWith("conn-broken "))).hasSizeGreaterThanOrEqualTo(1);
    }

    @Test
    void concurrentOutcomesForOneUserAreNumberedWithoutGapsOrRepeats() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<JsonNode>> results = new java.util.ArrayList<>();
            for (int i = 0; i < 24; i++) {
                String event = completedJobEvent("t-many", "cy");
                results.add(pool.submit(() -> notify(event)));
            }
            for (Future<JsonNode> r : results) {
                r.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(pushLog.after("t-many", "cy", 0, 100, System.currentTimeMillis()))
                .extracting(m -> m.get("seq").asLong())
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 24).boxed().toList());
    }

    @Test
    void twoAppendersOfOneUserEachLearnTheOthersNumbersWithoutAGap() {
        PushLog other = new PushLog(fixture.dynamoDb, "sluice-push-log");
        for (int i = 0; i < 6; i++) {
            (i % 2 == 0 ? pushLog : other).append("t-two", "eve", message("m" + i), System.currentTimeMillis());
        }

        assertThat(pushLog.after("t-two", "eve", 0, 10, System.currentTimeMillis()))
                .extracting(m -> m.get("text").asText() + "@" + m.get("seq").asLong())
                .containsExactly("m0@1", "m1@2", "m2@3", "m3@4", "m4@5", "m5@6");
    }

    @Test
    void resumePagesPastExpiredMessagesInsteadOfReadingThemAsUpToDate() {
        long dayAgo = System.currentTimeMillis() - PushLog.RETENTION.toMillis() - 60_000;
        for (int i = 0; i < 30; i++) {
            pushLog.append("t-old", "dee", message("old " + i), dayAgo);
        }
        pushLog.append("t-old", "dee", message("fresh"), System.currentTimeMillis());

        List<JsonNode> missed = pushLog.after("t-old", "dee", 0, 10, System.currentTimeMillis());

        assertThat(missed).extracting(m -> m.get("seq").asLong()).containsExactly(31L);
    }

    private static ObjectNode message(String text) {
        ObjectNode message = Json.object();
        message.put("type", "test.message");
        message.put("text", text);
        return message;
    }
}
