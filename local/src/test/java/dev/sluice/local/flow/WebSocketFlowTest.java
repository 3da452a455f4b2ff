package dev.sluice.local.flow;

import static dev.sluice.local.flow.FlowFixture.aiRequest;
import static dev.sluice.local.flow.FlowFixture.awaitFinished;
import static dev.sluice.local.flow.FlowFixture.streamingAiRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.client.PushStream;
import dev.sluice.core.client.SluiceClient;
import dev.sluice.core.json.Json;
import dev.sluice.local.support.Await;
import dev.sluice.workers.push.Connection;
import dev.sluice.workers.push.Connections;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The WebSocket side through a real WebSocket client: authorization, actions, resume and stale connections. */
class WebSocketFlowTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    static Path state;
    static FlowFixture flow;

    @BeforeAll
    static void start() throws Exception {
        flow = FlowFixture.start(state);
    }

    @AfterAll
    static void stop() {
        flow.close();
    }

    private static ObjectNode action(String name) {
        ObjectNode action = Json.object();
        action.put("action", name);
        return action;
    }

    @Test
    void connectingWithoutAKeyIs401AndWithAWrongOneIs403() {
        try (SluiceClient none = new SluiceClient(flow.runtime.endpoints().api(), "");
                SluiceClient wrong = new SluiceClient(flow.runtime.endpoints().api(), "sk_wrong")) {
            assertThatThrownBy(() -> none.connect(flow.runtime.endpoints().webSocket()))
                    .isInstanceOf(CompletionException.class).cause().isInstanceOf(WebSocketHandshakeException.class)
                    .satisfies(e -> assertThat(((WebSocketHandshakeException) e).getResponse().statusCode())
                            .isEqualTo(401));
            assertThatThrownBy(() -> wrong.connect(flow.runtime.endpoints().webSocket()))
                    .cause().satisfies(e -> assertThat(((WebSocketHandshakeException) e).getResponse().statusCode())
                            .isEqualTo(403));
        }
    }

    @Test
    void pingIsAnsweredWithPongAndAnUnknownActionWithAnError() throws Exception {
        try (SluiceClient client = flow.devClient(); PushStream ws = client.connect(flow.runtime.endpoints().webSocket())) {
            ws.send(action("ping"));
            assertThat(ws.next(PATIENCE).get("type").asText()).isEqualTo("pong");

            ws.send(action("dance"));
            JsonNode error = ws.next(PATIENCE);
            assertThat(error.get("type").asText()).isEqualTo("error");
            assertThat(error.get("code").asText()).isEqualTo("unknown_action");
        }
    }

    @Test
    void aClientThatReconnectsAndResumesGetsExactlyTheResultsItMissed() throws Exception {
        try (SluiceClient client = flow.newTenant("resumer")) {
            long lastSeen;
            try (PushStream first = client.connect(flow.runtime.endpoints().webSocket())) {
                String seenJob = client.submit(aiRequest("seen"), null).body().get("jobId").asText();
                JsonNode push = first.next(m -> seenJob.equals(m.path("jobId").asText()), PATIENCE);
                lastSeen = push.get("seq").asLong();
            }
            String missedA = client.submit(aiRequest("missed a"), null).body().get("jobId").asText();
            String missedB = client.submit(aiRequest("missed b"), null).body().get("jobId").asText();
            awaitFinished(client, missedA);
            awaitFinished(client, missedB);
            awaitPushLogged(client, lastSeen + 2);

            try (PushStream second = client.connect(flow.runtime.endpoints().webSocket())) {
                ObjectNode resume = action("resume");
                resume.put("afterSeq", lastSeen);
                second.send(resume);
                JsonNode one = second.next(PATIENCE);
                JsonNode two = second.next(PATIENCE);
                JsonNode reply = second.next(PATIENCE);

                assertThat(List.of(one.get("seq").asLong(), two.get("seq").asLong()))
                        .containsExactly(lastSeen + 1, lastSeen + 2);
                assertThat(List.of(one.get("jobId").asText(), two.get("jobId").asText()))
                        .containsExactlyInAnyOrder(missedA, missedB);
                assertThat(reply.get("type").asText()).isEqualTo("resumed");
                assertThat(reply.get("count").asInt()).isEqualTo(2);
                assertThat(reply.get("lastSeq").asLong()).isEqualTo(lastSeen + 2);
                assertThat(second.next(Duration.ofMillis(500))).isNull();
            }
        }
    }

    @Test
    void resumeLeavesOutTheDeltasOfAStreamedJobWhoseResultItReplays() throws Exception {
        try (SluiceClient client = flow.newTenant("late-reader")) {
            String jobId = client.submit(streamingAiRequest("streamed while nobody listened"), null).body()
                    .get("jobId").asText();
            awaitFinished(client, jobId);
            awaitPushLogged(client, 2);

            try (PushStream ws = client.connect(flow.runtime.endpoints().webSocket())) {
                ObjectNode resume = action("resume");
                resume.put("afterSeq", 0);
                ws.send(resume);
                JsonNode first = ws.next(PATIENCE);
                JsonNode reply = ws.next(m -> "resumed".equals(m.path("type").asText()), PATIENCE);

                // Logged: the answer's one delta (seq 1), then the result (seq 2), which holds the whole answer.
                assertThat(first.get("type").asText()).isEqualTo("job.completed");
                assertThat(first.get("seq").asLong()).isEqualTo(2);
                assertThat(reply.get("count").asInt()).isEqualTo(1);
                assertThat(reply.get("lastSeq").asLong()).isEqualTo(2);
            }
        }
    }

    /** The notifier logs a push just after the job row turns SUCCEEDED; wait for that, not for a push. */
    private static void awaitPushLogged(SluiceClient client, long seq) throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (System.nanoTime() < deadline) {
            try (PushStream probe = client.connect(flow.runtime.endpoints().webSocket())) {
                ObjectNode resume = action("resume");
                resume.put("afterSeq", seq - 1);
                probe.send(resume);
                JsonNode reply = probe.next(m -> "resumed".equals(m.path("type").asText()), PATIENCE);
                if (reply.get("lastSeq").asLong() >= seq) {
                    return;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("push " + seq + " was never logged");
    }

    @Test
    void subscribeAnswersWithTheJobsCurrentStateForItsOwnerOnly() throws Exception {
        try (SluiceClient owner = flow.newTenant("subscriber");
                SluiceClient stranger = flow.newTenant("nosy")) {
            String jobId = owner.submit(aiRequest("status please"), null).body().get("jobId").asText();
            awaitFinished(owner, jobId);
            ObjectNode subscribe = action("subscribe");
            subscribe.put("jobId", jobId);

            try (PushStream ws = owner.connect(flow.runtime.endpoints().webSocket())) {
                ws.send(subscribe);
                JsonNode status = ws.next(m -> "job.status".equals(m.path("type").asText()), PATIENCE);
                assertThat(status.get("jobId").asText()).isEqualTo(jobId);
                assertThat(status.get("status").asText()).isEqualTo("SUCCEEDED");
                assertThat(status.at("/result/provider").asText()).isEqualTo("sluice-offline");
            }
            try (PushStream ws = stranger.connect(flow.runtime.endpoints().webSocket())) {
                ws.send(subscribe);
                JsonNode error = ws.next(PATIENCE);
                assertThat(error.get("code").asText()).isEqualTo("not_found");
            }
            // An id beyond DynamoDB's key size is no job: not found, not an internal error.
            try (PushStream ws = owner.connect(flow.runtime.endpoints().webSocket())) {
                ws.send(action("subscribe").put("jobId", "j".repeat(3_000)));
                JsonNode error = ws.next(PATIENCE);
                assertThat(error.get("code").asText()).isEqualTo("not_found");
            }
        }
    }

    @Test
    void aConnectionThatIsGoneIsRemovedWhenAPushFindsIt410() throws Exception {
        Connections connections = new Connections(flow.dynamoDb, "sluice-connections");
        try (SluiceClient client = flow.newTenant("ghosts");
                PushStream live = client.connect(flow.runtime.endpoints().webSocket())) {
            // A row whose $disconnect never came (best effort on AWS): the connection itself is long gone.
            connections.put(new Connection("R2hvc3RDb25uPQ=", "ghosts", "ghosts-user", System.currentTimeMillis()));
            assertThat(connections.get("R2hvc3RDb25uPQ=")).isPresent();

            String jobId = client.submit(aiRequest("boo"), null).body().get("jobId").asText();
            assertThat(live.next(m -> jobId.equals(m.path("jobId").asText()), PATIENCE)).isNotNull();

            Await.until("the gone connection's row to be removed", PATIENCE,
                    () -> connections.get("R2hvc3RDb25uPQ=").isEmpty());
            assertThat(connections.get("R2hvc3RDb25uPQ=")).isEmpty();
            assertThat(connections.ofUser("ghosts", "ghosts-user", System.currentTimeMillis())).hasSize(1);
        }
    }
}
