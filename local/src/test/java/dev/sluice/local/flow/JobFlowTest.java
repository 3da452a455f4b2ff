package dev.sluice.local.flow;

import static dev.sluice.local.flow.FlowFixture.aiRequest;
import static dev.sluice.local.flow.FlowFixture.analyticsEvent;
import static dev.sluice.local.flow.FlowFixture.awaitFinished;
import static dev.sluice.local.flow.FlowFixture.email;
import static dev.sluice.local.flow.FlowFixture.streamingAiRequest;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.f4b6a3.uuid.UuidCreator;
import dev.sluice.core.client.PushStream;
import dev.sluice.core.client.SluiceClient;
import dev.sluice.core.jobs.Job;
import dev.sluice.core.jobs.JobStatus;
import dev.sluice.core.jobs.JobStore;
import dev.sluice.core.jobs.JobType;
import dev.sluice.core.json.Json;
import dev.sluice.local.support.Await;
import dev.sluice.local.support.Clients;
import dev.sluice.workers.email.OutboxMailer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * A job's whole path, API → bus → queue → worker → store → notifier → WebSocket, on the real
 * topology; the AI lanes' model fails on request to exercise the retry and DLQ paths.
 */
class JobFlowTest {

    private static final Duration PUSH_PATIENCE = Duration.ofSeconds(30);

    @TempDir
    static Path state;
    static FlowFixture flow;
    static SluiceClient dev;
    static SqsClient sqs;
    PushStream pushes;

    @BeforeAll
    static void start() throws Exception {
        flow = FlowFixture.start(FlowFixture.withAiHandler(FlakyAiWorker.class), state);
        dev = flow.devClient();
        sqs = Clients.sqs(flow.runtime.endpoints());
    }

    @AfterAll
    static void stop() {
        WordStreamingModel.GO_ON.forEach(CountDownLatch::countDown);
        sqs.close();
        dev.close();
        flow.close();
    }

    @BeforeEach
    void connect() {
        pushes = dev.connect(flow.runtime.endpoints().webSocket());
    }

    @AfterEach
    void disconnect() {
        pushes.close();
    }

    private JsonNode pushFor(String jobId) throws InterruptedException {
        JsonNode push = pushes.next(m -> jobId.equals(m.path("jobId").asText()), PUSH_PATIENCE);
        assertThat(push).as("a push for job " + jobId).isNotNull();
        return push;
    }

    private String submit(String body) throws Exception {
        var response = dev.submit(body, null);
        assertThat(response.status()).as(String.valueOf(response.body())).isEqualTo(202);
        return response.body().get("jobId").asText();
    }

    @Test
    void everyJobTypeIsPushedBackWhenItCompletes() throws Exception {
        String ai = submit(aiRequest("Write a haiku about queues."));
        String analytics = submit(analyticsEvent("editor", "open"));
        String mail = submit(email("welcome"));

        JsonNode aiPush = pushFor(ai);
        JsonNode analyticsPush = pushFor(analytics);
        JsonNode mailPush = pushFor(mail);

        for (JsonNode push : List.of(aiPush, analyticsPush, mailPush)) {
            assertThat(push.get("type").asText()).isEqualTo("job.completed");
            assertThat(push.get("status").asText()).isEqualTo("SUCCEEDED");
            assertThat(push.get("seq").asLong()).isPositive();
            assertThat(push.has("ts")).isTrue();
        }
        assertThat(aiPush.at("/result/provider").asText()).isEqualTo("sluice-offline");
        assertThat(analyticsPush.at("/result/counted").asBoolean()).isTrue();
        String messageId = mailPush.at("/result/messageId").asText();
        Path eml = new OutboxMailer(state.resolve("mail").resolve("outbox")).find(messageId).orElseThrow();
        assertThat(Files.readString(eml)).contains("To: ada@example.com", "Message-ID: <" + mail + "@sluice>");
    }

    @Test
    void aClientThatReconnectsMidStreamAndResumesEndsUpWithTheWholeAnswerExactlyOnce() throws Exception {
        try (SluiceClient client = flow.newTenant("streamer")) {
            TreeMap<Long, JsonNode> applied = new TreeMap<>();
            String jobId;
            try (PushStream first = client.connect(flow.runtime.endpoints().webSocket())) {
                jobId = client.submit(streamingAiRequest("stream-gated"), null).body().get("jobId").asText();
                // Part one (600 chars) goes out as several deltas; this client takes two, then drops.
                for (int i = 0; i < 2; i++) {
                    JsonNode delta = first.next(m -> isDelta(m, jobId), PUSH_PATIENCE);
                    assertThat(delta).as("delta " + (i + 1) + " of part one").isNotNull();
                    applied.put(delta.get("seq").asLong(), delta);
                }
            }
            long lastSeen = applied.lastKey();
            // While no connection is open, part two is streamed: its deltas reach only the push log.
            WordStreamingModel.GO_ON.get(0).countDown();
            Await.until("part two to be streamed", PUSH_PATIENCE,
                    () -> WordStreamingModel.STREAMED.get(1).getCount() == 0);

            try (PushStream second = client.connect(flow.runtime.endpoints().webSocket())) {
                second.send(Json.object().put("action", "resume").put("afterSeq", lastSeen));
                JsonNode resumed = second.next(m -> "resumed".equals(m.path("type").asText()), PUSH_PATIENCE);
                assertThat(resumed).as("the answer to resume").isNotNull();
                List<JsonNode> replayed = deltasReceived(second, jobId);

                // Part three streams live to the new connection.
                WordStreamingModel.GO_ON.get(1).countDown();
                JsonNode completed = second.next(m -> "job.completed".equals(m.path("type").asText())
                        && jobId.equals(m.path("jobId").asText()), PUSH_PATIENCE);
                assertThat(completed).as("job.completed").isNotNull();
                List<JsonNode> live = deltasReceived(second, jobId);

                long resumedUpTo = resumed.get("lastSeq").asLong();
                assertThat(resumed.get("more").asBoolean()).isFalse();
                assertThat(replayed).as("the deltas missed while away, replayed by resume").isNotEmpty()
                        .hasSize(resumed.get("count").asInt())
                        .allSatisfy(m -> assertThat(m.get("seq").asLong()).isBetween(lastSeen + 1, resumedUpTo));
                assertThat(live).as("the deltas pushed live after the reconnect").isNotEmpty()
                        .allSatisfy(m -> assertThat(m.get("seq").asLong()).isGreaterThan(resumedUpTo));
                for (JsonNode delta : concat(replayed, live)) {
                    assertThat(applied.put(delta.get("seq").asLong(), delta)).as("seq seen twice").isNull();
                }
                String result = completed.at("/result/text").asText();
                assertThat(result).isEqualTo(WordStreamingModel.answer());
                assertThat(answerFrom(applied)).isEqualTo(result);
                assertThat(completed.get("seq").asLong()).as("the result comes after its last delta")
                        .isEqualTo(applied.lastKey() + 1);
            }
        }
    }

    @Test
    void aStreamThatBreaksMidwayRunsAgainAndTheClientIsToldToStartOverSoNoTextShowsTwice() throws Exception {
        try (SluiceClient client = flow.newTenant("restarter");
                PushStream ws = client.connect(flow.runtime.endpoints().webSocket())) {
            String jobId = client.submit(streamingAiRequest("stream-breaks-once"), null).body().get("jobId").asText();
            JsonNode completed = ws.next(m -> "job.completed".equals(m.path("type").asText())
                    && jobId.equals(m.path("jobId").asText()), PUSH_PATIENCE);
            assertThat(completed).as("job.completed").isNotNull();
            TreeMap<Long, JsonNode> bySeq = new TreeMap<>();
            deltasReceived(ws, jobId).forEach(d -> bySeq.put(d.get("seq").asLong(), d));

            List<JsonNode> inOrder = List.copyOf(bySeq.values());
            int reset = inOrder.indexOf(inOrder.stream().filter(d -> d.path("reset").asBoolean()).findFirst()
                    .orElseThrow(() -> new AssertionError("no reset among " + inOrder)));
            assertThat(reset).as("text of the broken first attempt went out before the reset").isPositive();
            // The gateway's router retries the broken stream within the attempt before the job's own retry.
            assertThat(inOrder.get(reset).get("reason").asText()).isEqualTo("model_stream_broken");
            assertThat(inOrder.get(reset).get("offset").asInt()).isZero();
            assertThat(completed.at("/result/text").asText()).isEqualTo(WordStreamingModel.answer());
            assertThat(answerFrom(bySeq)).isEqualTo(WordStreamingModel.answer());
            assertThat(awaitFinished(client, jobId).get("attempts").asInt()).isEqualTo(2);
        }
    }

    @Test
    void aPermanentFailureFailsTheJobAtOnceAndNeverReachesTheDlq() throws Exception {
        String jobId = submit(email("no-such-template"));

        JsonNode push = pushFor(jobId);

        assertThat(push.get("type").asText()).isEqualTo("job.failed");
        assertThat(push.at("/error/code").asText()).isEqualTo("unknown_template");
        assertThat(push.at("/error/retryable").asBoolean()).isFalse();
        JsonNode job = dev.get("/v1/jobs/" + jobId).body();
        assertThat(job.get("status").asText()).isEqualTo("FAILED");
        assertThat(job.get("attempts").asInt()).isEqualTo(1);
        assertThat(receive("email-dlq", Duration.ofSeconds(2))).isEmpty();
    }

    @Test
    void aTransientFailureIsRetriedUntilItSucceeds() throws Exception {
        String jobId = submit(aiRequest("fail-times:2"));

        JsonNode push = pushFor(jobId);

        assertThat(push.get("type").asText()).isEqualTo("job.completed");
        assertThat(dev.get("/v1/jobs/" + jobId).body().get("attempts").asInt()).isEqualTo(3);
    }

    @Test
    void aJobThatKeepsFailingEndsInTheDlqAndIsMarkedFailedNamingIt() throws Exception {
        String jobId = submit(aiRequest("fail-always"));

        JsonNode push = pushFor(jobId);

        assertThat(push.get("type").asText()).isEqualTo("job.failed");
        assertThat(push.at("/error/code").asText()).isEqualTo("retries_exhausted");
        assertThat(push.at("/error/retryable").asBoolean()).isTrue();
        assertThat(push.at("/error/message").asText()).contains("ai-requests-dlq", "3 attempts");
        assertThat(dev.get("/v1/jobs/" + jobId).body().get("attempts").asInt()).isEqualTo(3);
        List<Message> dead = receive("ai-requests-dlq", Duration.ofSeconds(20));
        assertThat(dead).hasSize(1);
        assertThat(Json.parse(dead.get(0).body()).at("/detail/jobId").asText()).isEqualTo(jobId);
    }

    @Test
    void aMessageThatIsNoJobGoesStraightToTheDlqWithTheReason() throws Exception {
        String queue = sqs.getQueueUrl(b -> b.queueName("analytics")).queueUrl();
        // As `sluice dlq replay` sends it back the second time.
        sqs.sendMessage(b -> b.queueUrl(queue).messageBody("this is not json").messageAttributes(Map.of(
                "SluiceReplayCount", MessageAttributeValue.builder().dataType("Number").stringValue("2").build())));

        List<Message> dead = receive("analytics-dlq", Duration.ofSeconds(20));

        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).body()).isEqualTo("this is not json");
        // The replay's loop guard sees it again: a poison message is not replayed for ever.
        assertThat(dead.get(0).messageAttributes().get("SluiceReplayCount").stringValue()).isEqualTo("2");
        assertThat(dead.get(0).messageAttributes().get("SluiceErrorCode").stringValue())
                .isEqualTo("malformed_message");
        assertThat(dead.get(0).messageAttributes().get("SluiceSourceQueue").stringValue()).isEqualTo("analytics");
        // Within seconds: SQS's own redrive would need 5 receives, 60 s of visibility apart. It never looped.
    }

    @Test
    void aJobWhoseSubmittedEventWasNeverPutIsRepublishedByTheSweeper() throws Exception {
        // As if the API had written the row and crashed before PutEvents.
        String jobId = jobWrittenAnHourAgo("lost in transit");
        // The sweeper puts it once more only when its lane cannot hold it any more: wait out the other tests'
        // messages (retries of failing jobs) in the AI lane, or it rightly gives the job more time instead.
        Await.until("the AI lane empty", Duration.ofSeconds(30), () -> laneEmpty("ai-requests"));

        JsonNode sweep = Json.parse(new String(flow.runtime.lambda().invoke("job-sweeper",
                FlowFixture.scheduledEvent())));

        // This sweep puts it, unless the scheduled one (every minute) got there first: either way only a sweep
        // can have put it, so its result reaching the user is the proof.
        assertThat(sweep.get("errors").asInt()).isZero();
        assertThat(pushFor(jobId).get("type").asText()).isEqualTo("job.completed");
        assertThat(awaitFinished(dev, jobId).get("status").asText()).isEqualTo("SUCCEEDED");
    }

    @Test
    void aJobWithNoOutcomePastItsDeadlineIsFailedByTheSweeper() throws Exception {
        String jobId = jobWrittenAnHourAgo("vanished");
        JobStore jobs = new JobStore(flow.dynamoDb, "sluice-jobs");
        // An attempt took it and died, and its message was lost: its lease has run out, its queue is empty.
        long now = System.currentTimeMillis();
        assertThat(jobs.markRunning("dev", jobId, now, now - 1, now)).isInstanceOf(JobStore.Claim.Running.class);

        flow.runtime.lambda().invoke("job-sweeper", FlowFixture.scheduledEvent());

        JsonNode push = pushFor(jobId);
        assertThat(push.get("type").asText()).isEqualTo("job.failed");
        assertThat(push.at("/error/code").asText()).isEqualTo("deadline_exceeded");
        assertThat(dev.get("/v1/jobs/" + jobId).body().get("status").asText()).isEqualTo("FAILED");
        assertThat(jobs.due(System.currentTimeMillis() + 60_000, 100).stream()
                .filter(d -> d instanceof JobStore.Due.Owed).map(d -> ((JobStore.Due.Owed) d).job().jobId()))
                .doesNotContain(jobId);
    }

    @Test
    void aFailedJobReplayedFromItsDlqRunsAgainWithItsAttemptsContinuing() throws Exception {
        String jobId = submit(aiRequest("fail-until-replayed"));
        assertThat(pushFor(jobId).at("/error/code").asText()).isEqualTo("retries_exhausted");
        Message dead = receive("ai-requests-dlq", Duration.ofSeconds(20)).stream()
                .filter(m -> Json.parse(m.body()).at("/detail/jobId").asText().equals(jobId)).findFirst().orElseThrow();

        // What an operator's replay does: the message back to its source queue, then out of the DLQ.
        sqs.sendMessage(b -> b.queueUrl(sqs.getQueueUrl(q -> q.queueName("ai-requests")).queueUrl())
                .messageBody(dead.body()));
        sqs.deleteMessage(b -> b.queueUrl(sqs.getQueueUrl(q -> q.queueName("ai-requests-dlq")).queueUrl())
                .receiptHandle(dead.receiptHandle()));

        JsonNode push = pushFor(jobId);
        assertThat(push.get("type").asText()).isEqualTo("job.completed");
        JsonNode job = dev.get("/v1/jobs/" + jobId).body();
        assertThat(job.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(job.get("attempts").asInt()).isEqualTo(4);
        assertThat(job.get("replays").asInt()).isEqualTo(1);
        assertThat(job.has("replayedAt")).isTrue();
        assertThat(job.has("error")).isFalse();
    }

    @Test
    void aJobWhoseMessageMayStillWaitInABacklogIsGivenMoreTimeNotFailed() throws Exception {
        String jobId = jobWrittenAnHourAgo("stuck behind a backlog");
        String lane = sqs.getQueueUrl(b -> b.queueName("ai-requests")).queueUrl();
        // The backlog: a message still delayed in the job's lane (a Job Submitted of a job nobody has).
        String stranger = UuidCreator.getTimeOrderedEpoch().toString();
        sqs.sendMessage(b -> b.queueUrl(lane).delaySeconds(3).messageBody(Json.write(Json.parse(aiRequestEvent(stranger)))));

        JsonNode sweep = Json.parse(new String(flow.runtime.lambda().invoke("job-sweeper",
                FlowFixture.scheduledEvent())));

        assertThat(sweep.get("extended").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(dev.get("/v1/jobs/" + jobId).body().get("status").asText()).isEqualTo("QUEUED");
        Await.until("the backlog drained", () -> Integer.parseInt(sqs.getQueueAttributes(
                b -> b.queueUrl(lane).attributeNamesWithStrings("All")).attributesAsStrings()
                .get("ApproximateNumberOfMessagesDelayed")) == 0);
    }

    @Test
    void aJobTheBusRefusesIsFailedByTheSweeperInsteadOfRetriedForEver() throws Exception {
        // A row whose inline payload is too large for any event (the API would have used S3): PutEvents refuses it.
        long now = System.currentTimeMillis();
        String jobId = UuidCreator.getTimeOrderedEpoch().toString();
        JobStore jobs = new JobStore(flow.dynamoDb, "sluice-jobs");
        jobs.create(Job.queued(jobId, "dev", "dev", JobType.AI_REQUEST, "normal", now,
                Json.parse(aiRequest("x".repeat(300_000))).get("payload"), null), null, null, now, now + 3_600_000);
        jobs.publishFailed("dev", jobId, now - 60_000);

        JsonNode sweep = Json.parse(new String(flow.runtime.lambda().invoke("job-sweeper",
                FlowFixture.scheduledEvent())));

        assertThat(sweep.get("failed").asInt()).isGreaterThanOrEqualTo(1);
        JsonNode push = pushFor(jobId);
        assertThat(push.get("type").asText()).isEqualTo("job.failed");
        assertThat(push.at("/error/code").asText()).isEqualTo("unpublishable");
    }

    @Test
    void rowsThatDoNotReadAsJobsNeverKeepTheSweeperFromTheOthers() throws Exception {
        String jobId = jobWrittenAnHourAgo("behind bad rows");
        String shard = Integer.toString(Math.floorMod(jobId.hashCode(), 4));
        long longAgo = System.currentTimeMillis() - 7_200_000;
        for (int i = 0; i < 120; i++) {
            String sk = "J#" + UuidCreator.getTimeOrderedEpoch();
            flow.dynamoDb.putItem(b -> b.tableName("sluice-jobs").item(Map.of(
                    "pk", AttributeValue.fromS("T#corrupt"), "sk", AttributeValue.fromS(sk),
                    "pending", AttributeValue.fromS("PUBLISH"), "pendingShard", AttributeValue.fromS(shard),
                    "pendingDue", AttributeValue.fromN(Long.toString(longAgo)))));
        }

        JsonNode sweep = Json.parse(new String(flow.runtime.lambda().invoke("job-sweeper",
                FlowFixture.scheduledEvent())));

        assertThat(sweep.get("setAside").asInt()).isGreaterThanOrEqualTo(120);
        assertThat(pushFor(jobId).get("type").asText()).isEqualTo("job.completed");
    }

    /** A "Job Submitted" event for {@code jobId}, as the bus delivers it to a lane. */
    private static String aiRequestEvent(String jobId) {
        return "{\"version\":\"0\",\"id\":\"" + UUID.randomUUID() + "\",\"detail-type\":\"Job Submitted\","
                + "\"source\":\"sluice.jobs\",\"account\":\"000000000000\",\"time\":\"2026-12-01T00:00:00Z\","
                + "\"region\":\"us-east-1\",\"resources\":[],\"detail\":{\"jobId\":\"" + jobId + "\",\"tenantId\":\"dev\","
                + "\"userId\":\"dev\",\"type\":\"ai.request\",\"priority\":\"normal\",\"submittedAt\":1,"
                + "\"payload\":" + Json.parse(aiRequest("nobody's")).get("payload") + "}}";
    }

    /** A dev job row written an hour ago, whose "Job Submitted" never reached the bus. */
    private static String jobWrittenAnHourAgo(String input) {
        long anHourAgo = System.currentTimeMillis() - 3_600_000;
        String jobId = UuidCreator.getTimeOrderedEpoch().toString();
        // Its deadline is now: an hour after submission.
        new JobStore(flow.dynamoDb, "sluice-jobs").create(Job.queued(jobId, "dev", "dev", JobType.AI_REQUEST, "normal",
                anHourAgo, Json.parse(aiRequest(input)).get("payload"), null), null, null, anHourAgo,
                anHourAgo + 3_600_000);
        return jobId;
    }

    private boolean laneEmpty(String queueName) {
        String url = sqs.getQueueUrl(b -> b.queueName(queueName)).queueUrl();
        return sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes().values().stream()
                .allMatch("0"::equals);
    }

    private List<Message> receive(String queueName, Duration patience) {
        String url = sqs.getQueueUrl(b -> b.queueName(queueName)).queueUrl();
        long deadline = System.nanoTime() + patience.toNanos();
        Map<String, Message> seen = new HashMap<>();
        while (System.nanoTime() < deadline && seen.isEmpty()) {
            sqs.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(1).maxNumberOfMessages(10)
                    .messageAttributeNames("All").messageSystemAttributeNames(
                            MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT))
                    .messages().forEach(m -> seen.put(m.messageId(), m));
        }
        return List.copyOf(seen.values());
    }

    private static boolean isDelta(JsonNode message, String jobId) {
        return "job.delta".equals(message.path("type").asText()) && jobId.equals(message.path("jobId").asText());
    }

    /** The job's deltas {@code stream} has received so far, in the order they came. */
    private static List<JsonNode> deltasReceived(PushStream stream, String jobId) throws InterruptedException {
        List<JsonNode> deltas = new ArrayList<>();
        for (JsonNode m; (m = stream.next(d -> isDelta(d, jobId), Duration.ZERO)) != null; ) {
            deltas.add(m);
        }
        return deltas;
    }

    private static List<JsonNode> concat(List<JsonNode> a, List<JsonNode> b) {
        List<JsonNode> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /**
     * The answer a client shows, from deltas by seq: no seq may be missing, every delta must start
     * exactly where the text so far ends (no gap, no repeat), and a reset starts the text over.
     */
    private static String answerFrom(TreeMap<Long, JsonNode> bySeq) {
        assertThat(bySeq.lastKey() - bySeq.firstKey() + 1).as("no seq missing").isEqualTo(bySeq.size());
        StringBuilder answer = new StringBuilder();
        for (JsonNode delta : bySeq.values()) {
            if (delta.path("reset").asBoolean()) {
                answer.setLength(0);
                continue;
            }
            assertThat(delta.get("offset").asInt()).as("offset of seq " + delta.get("seq")).isEqualTo(answer.length());
            answer.append(delta.get("text").asText());
        }
        return answer.toString();
    }
}
