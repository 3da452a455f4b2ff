package dev.sluice.local.flow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.client.PushStream;
import dev.sluice.core.client.SluiceClient;
import dev.sluice.core.json.Json;
import dev.sluice.local.support.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A streamed ai.request over a real local WebSocket, with the client reconnecting in the middle of the answer. */
class StreamingFlowTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    static Path state;
    static FlowFixture flow;

    @BeforeAll
    static void start() throws Exception {
        flow = FlowFixture.start(FlowFixture.withAiHandler(StreamingAiWorker.class), state);
    }

    @AfterAll
    static void stop() {
        StreamingAiWorker.GO_ON.forEach(java.util.concurrent.CountDownLatch::countDown);
        flow.close();
    }

    private static String streamingRequest(String input) {
        return "{\"type\":\"ai.request\",\"payload\":{\"sessionId\":\"s-1\",\"userId\":\"u-1\","
                + "\"process\":\"magicSpark\",\"input\":" + Json.write(input) + ",\"priority\":\"normal\","
                + "\"stream\":true,\"timestamp\":1795342532990}}";
    }

    @Test
    void aClientThatReconnectsMidStreamAndResumesEndsUpWithTheWholeAnswerExactlyOnce() throws Exception {
        try (SluiceClient client = flow.newTenant("streamer")) {
            TreeMap<Long, JsonNode> applied = new TreeMap<>();
            String jobId;
            long lastSeen;
            try (PushStream first = client.connect(flow.runtime.endpoints().webSocket())) {
                jobId = client.submit(streamingRequest("stream to me"), null).body().get("jobId").asText();
                String job = jobId;
                // Part one (about 600 chars) goes out as several deltas; this client takes two, then drops.
                for (int i = 0; i < 2; i++) {
                    JsonNode delta = first.next(m -> isDelta(m, job), PATIENCE);
                    assertThat(delta).as("delta " + (i + 1) + " of part one").isNotNull();
                    applied.put(delta.get("seq").asLong(), delta);
                }
                lastSeen = applied.lastKey();
            }
            // While no connection is open, part two is streamed: those deltas only reach the push log.
            StreamingAiWorker.GO_ON.get(0).countDown();
            Await.until("part two to be streamed", PATIENCE, () -> StreamingAiWorker.STREAMED.get(1).getCount() == 0);

            try (PushStream second = client.connect(flow.runtime.endpoints().webSocket())) {
                ObjectNode resume = Json.object();
                resume.put("action", "resume");
                resume.put("afterSeq", lastSeen);
                second.send(resume);
                JsonNode resumed = second.next(m -> "resumed".equals(m.path("type").asText()), PATIENCE);
                assertThat(resumed).isNotNull();
                assertThat(resumed.get("more").asBoolean()).isFalse();
                List<JsonNode> replayed = drainDeltas(second, jobId, Duration.ZERO);

                // Part three streams live to the new connection.
                StreamingAiWorker.GO_ON.get(1).countDown();
                JsonNode completed = second.next(m -> "job.completed".equals(m.path("type").asText())
                        && jobId.equals(m.path("jobId").asText()), PATIENCE);
                assertThat(completed).as("job.completed").isNotNull();
                List<JsonNode> live = drainDeltas(second, jobId, Duration.ZERO);

                assertThat(replayed).as("the deltas missed while away, replayed by resume")
                        .hasSize(resumed.get("count").asInt()).isNotEmpty()
                        .extracting(m -> m.get("seq").asLong())
                        .allSatisfy(seq -> assertThat(seq).isGreaterThan(lastSeen)
                                .isLessThanOrEqualTo(resumed.get("lastSeq").asLong()));
                assertThat(live).as("deltas pushed live after the reconnect").isNotEmpty()
                        .allSatisfy(m -> assertThat(m.get("seq").asLong()).isGreaterThan(resumed.get("lastSeq").asLong()));
                for (JsonNode delta : replayed) {
                    assertThat(applied.put(delta.get("seq").asLong(), delta)).as("seq seen twice").isNull();
                }
                for (JsonNode delta : live) {
                    assertThat(applied.put(delta.get("seq").asLong(), delta)).as("seq seen twice").isNull();
                }

                // In seq order, every delta starts where the text so far ends: no gap, no repeat.
                List<Long> seqs = new ArrayList<>(applied.keySet());
                assertThat(seqs.get(seqs.size() - 1) - seqs.get(0) + 1).as("no seq missing").isEqualTo(seqs.size());
                StringBuilder answer = new StringBuilder();
                for (JsonNode delta : applied.values()) {
                    assertThat(delta.has("reset")).isFalse();
                    assertThat(delta.get("offset").asInt()).as("offset of seq " + delta.get("seq"))
                            .isEqualTo(answer.length());
                    answer.append(delta.get("text").asText());
                }
                String result = completed.at("/result/text").asText();
                assertThat(answer.toString()).isEqualTo(result);
                assertThat(result).startsWith(StreamingAiWorker.word(0, 0))
                        .endsWith(StreamingAiWorker.word(StreamingAiWorker.PARTS - 1, StreamingAiWorker.WORDS_PER_PART - 1));
                assertThat(completed.get("seq").asLong()).as("the result comes after its last delta")
                        .isEqualTo(seqs.get(seqs.size() - 1) + 1);
            }
        }
    }

    private static boolean isDelta(JsonNode message, String jobId) {
        return "job.delta".equals(message.path("type").asText()) && jobId.equals(message.path("jobId").asText());
    }

    /** The deltas of the job already received on {@code stream}, in the order they came. */
    private static List<JsonNode> drainDeltas(PushStream stream, String jobId, Duration wait) throws Exception {
        List<JsonNode> deltas = new ArrayList<>();
        for (JsonNode m; (m = stream.next(d -> isDelta(d, jobId), wait)) != null; ) {
            deltas.add(m);
        }
        return deltas;
    }
}
