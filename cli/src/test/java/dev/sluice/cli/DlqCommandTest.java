package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.f4b6a3.uuid.UuidCreator;
import dev.sluice.cli.where.LocalDeployment;
import dev.sluice.core.client.SluiceClient;
import dev.sluice.core.jobs.Job;
import dev.sluice.core.jobs.JobStatus;
import dev.sluice.core.jobs.JobStore;
import dev.sluice.core.json.Json;
import dev.sluice.core.topology.Definitions;
import dev.sluice.core.topology.Topology;
import dev.sluice.local.LocalRuntime;
import dev.sluice.local.flow.FlakyAiWorker;
import dev.sluice.local.support.Await;
import java.nio.file.Files;
import dev.sluice.local.support.Invocations;
import dev.sluice.operations.audit.AuditLog;
import dev.sluice.operations.audit.AuditRecord;
import dev.sluice.operations.dlq.MessageEditor;
import dev.sluice.operations.dlq.ReplayItem;
import dev.sluice.operations.dlq.ReplayListener;
import dev.sluice.operations.dlq.ReplayRequest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * {@code sluice dlq} against a running local stack, through the real SDK clients. The analytics lane has no worker
 * here, so what a replay sends to its queue stays there to be looked at; the AI lanes run the real worker around a
 * model that fails until the job is replayed.
 */
class DlqCommandTest {

    private static final String DLQ = "analytics-dlq";
    private static final String SOURCE = "analytics";

    @TempDir
    static Path state;
    static LocalRuntime runtime;
    static SqsClient sqs;
    static DynamoDbClient dynamoDb;
    static JobStore jobs;
    static AuditLog audit;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeAll
    static void start() throws Exception {
        Topology t = Definitions.bundled().topology();
        t = t.withFunctions(t.functions().stream().filter(f -> !f.name().equals("analytics-worker"))
                .map(f -> f.name().startsWith("ai-worker") ? f.withHandler(FlakyAiWorker.class.getName()) : f)
                .toList());
        runtime = LocalRuntime.start(t, state, LocalRuntime.Options.defaults()
                .withProfileValues(Map.of("retryBaseSeconds", "1", "retryMaxSeconds", "2")));
        sqs = LocalRuntime.client(SqsClient.builder(), runtime.endpoints().sqs(), runtime.endpoints().region());
        dynamoDb = LocalRuntime.client(DynamoDbClient.builder(), runtime.endpoints().dynamodb(),
                runtime.endpoints().region());
        jobs = new JobStore(dynamoDb, "sluice-jobs");
        audit = new AuditLog(dynamoDb, AuditLog.TABLE, Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        sqs.close();
        dynamoDb.close();
        runtime.close();
    }

    @BeforeEach
    void emptyTheAnalyticsQueues() throws Exception {
        for (String queue : List.of(DLQ, SOURCE)) {
            sqs.purgeQueue(b -> b.queueUrl(url(queue)));
        }
        Await.until("the analytics queues are empty", () -> depth(DLQ) + inFlight(DLQ) + depth(SOURCE) == 0);
    }

    private int run(String... args) {
        return run(null, args);
    }

    /** As a user types it; {@code editor} stands for $EDITOR in --edit. */
    private int run(MessageEditor editor, String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        CommandLine cli = new CommandLine(new Sluice(), new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                return type == DlqCommand.Replay.class && editor != null ? type.cast(new DlqCommand.Replay(editor))
                        : CommandLine.defaultFactory().create(type);
            }
        });
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        String[] withDir = new String[args.length + 2];
        System.arraycopy(args, 0, withDir, 0, args.length);
        withDir[args.length] = "--dir";
        withDir[args.length + 1] = state.toString();
        return cli.execute(withDir);
    }

    @Test
    void listAndPeekShowTheFailuresAndLeaveTheMessagesInPlace() {
        String first = deadAnalytics("tool-a", 0);
        deadAnalytics("tool-b", 0);

        assertThat(run("dlq", "list", "--json")).as(err.toString()).isZero();
        JsonNode analytics = find(Json.parse(out.toString()), DLQ);
        assertThat(analytics.get("kind").asText()).isEqualTo("queue");
        assertThat(analytics.get("sources").get(0).asText()).isEqualTo(SOURCE);
        assertThat(analytics.get("depth").asLong()).isEqualTo(2);
        assertThat(analytics.get("sampled").asInt()).isEqualTo(2);
        assertThat(analytics.get("ageOfOldestSeconds").asLong()).isGreaterThanOrEqualTo(0);
        assertThat(analytics.at("/topReasons/0/code").asText()).isEqualTo("invalid_event");
        assertThat(analytics.at("/topReasons/0/count").asInt()).isEqualTo(2);
        assertThat(run("dlq", "list")).isZero();
        assertThat(out.toString()).containsPattern(DLQ + " +queue +2 +0 .*invalid_event \\(2\\)")
                .contains("event-delivery-dlq", "notifier-dlq", "on-failure", "event-target");

        assertThat(run("dlq", "peek", DLQ, "--limit", "5", "--json")).as(err.toString()).isZero();
        JsonNode peeked = Json.parse(out.toString());
        assertThat(peeked).hasSize(2);
        JsonNode message = stream(peeked).filter(m -> m.at("/job/jobId").asText().equals(first)).findFirst()
                .orElseThrow();
        assertThat(message.at("/job/type").asText()).isEqualTo("analytics.event");
        assertThat(message.at("/job/tenantId").asText()).isEqualTo("ghost");
        assertThat(message.at("/failure/code").asText()).isEqualTo("invalid_event");
        assertThat(message.at("/failure/recordedOn").asText()).isEqualTo("message");
        assertThat(message.at("/attributes/SluiceSourceQueue").asText()).isEqualTo(SOURCE);
        assertThat(message.get("receiveCount").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(message.get("firstReceivedAt").asText()).isNotEmpty();
        assertThat(depth(DLQ)).isEqualTo(2);
    }

    @Test
    void aReplayWithAPatternMovesOnlyTheMatchesAndIsAuditedAndCounted() throws Exception {
        Instant before = Instant.now();
        long replayedBefore = dlqReplayed();
        List<String> chosen = List.of(deadAnalytics("tool-a", 0), deadAnalytics("tool-a", 0), deadAnalytics("tool-a", 0));
        deadAnalytics("tool-b", 0);
        deadAnalytics("tool-b", 0);

        int status = run("dlq", "replay", DLQ, "--match", "{\"detail\":{\"payload\":{\"toolId\":[\"tool-a\"]}}}");

        assertThat(status).as(out + "\n" + err).isZero();
        assertThat(out.toString()).contains("moved 3, skipped 2, refused 0, failed 0");
        List<Message> moved = drain(SOURCE);
        assertThat(moved).extracting(m -> Json.parse(m.body()).at("/detail/jobId").asText())
                .containsExactlyInAnyOrderElementsOf(chosen);
        assertThat(moved).allSatisfy(m -> {
            assertThat(m.messageAttributes().get("SluiceReplayCount").stringValue()).isEqualTo("1");
            assertThat(m.messageAttributes()).doesNotContainKey("SluiceErrorCode");
        });
        assertThat(drain(DLQ)).extracting(m -> Json.parse(m.body()).at("/detail/payload/toolId").asText())
                .containsExactly("tool-b", "tool-b");
        AuditRecord record = audits(before, "dlq.replay");
        assertThat(record.unfinished()).isFalse();
        assertThat(record.outcome()).isEqualTo(AuditRecord.Outcome.SUCCEEDED);
        assertThat(record.target()).isEqualTo(DLQ);
        assertThat(record.via()).isEqualTo("cli");
        assertThat(record.principal()).startsWith("local:");
        assertThat(record.selection()).containsEntry("match", "{\"detail\":{\"payload\":{\"toolId\":[\"tool-a\"]}}}");
        assertThat(record.counts()).containsEntry("moved", 3L).containsEntry("skipped", 2L);
        // DlqReplayed reaches the runtime's agent, as a function's metrics do.
        Await.until("DlqReplayed counted", () -> dlqReplayed() == replayedBefore + 3);
    }

    /** {@code sluice_dlq_replayed_total{queue="analytics-dlq"}} on the runtime's /metrics, 0 before any. */
    private static long dlqReplayed() {
        String line = "sluice_dlq_replayed_total{queue=\"" + DLQ + "\"} ";
        try (var http = java.net.http.HttpClient.newHttpClient()) {
            String text = http.send(java.net.http.HttpRequest.newBuilder(runtime.endpoints().metrics()).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            return text.lines().filter(l -> l.startsWith(line))
                    .mapToLong(l -> (long) Double.parseDouble(l.substring(line.length()).trim())).findFirst().orElse(0);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theRateLimitHolds() {
        for (int i = 0; i < 6; i++) {
            deadAnalytics("tool-r", 0);
        }

        long started = System.nanoTime();
        assertThat(run("dlq", "replay", DLQ, "--rate", "4")).as(err.toString()).isZero();
        double seconds = (System.nanoTime() - started) / 1e9;

        assertThat(out.toString()).contains("moved 6, skipped 0, refused 0, failed 0");
        // 6 sends at 4/s: the first at once, then one every 250 ms.
        assertThat(seconds).isGreaterThanOrEqualTo(5 / 4.0);
    }

    @Test
    void theLoopGuardRefusesAMessageReplayedTooOftenAndForcePassesIt() {
        String looping = deadAnalytics("tool-l", 3);

        assertThat(run("dlq", "replay", DLQ)).as(err.toString()).isZero();
        assertThat(out.toString()).contains("refused 1", "replayed 3 time(s) already", looping);
        assertThat(depth(DLQ)).isEqualTo(1);
        assertThat(depth(SOURCE)).isZero();

        assertThat(run("dlq", "replay", DLQ, "--max-replays", "5")).isZero();
        assertThat(out.toString()).contains("moved 1, skipped 0, refused 0, failed 0");
        assertThat(drain(SOURCE).get(0).messageAttributes().get("SluiceReplayCount").stringValue()).isEqualTo("4");
        String again = deadAnalytics("tool-l", 3);
        assertThat(run("dlq", "replay", DLQ, "--force")).isZero();
        assertThat(out.toString()).contains("moved 1, skipped 0, refused 0, failed 0");
        assertThat(Json.parse(drain(SOURCE).get(0).body()).at("/detail/jobId").asText()).isEqualTo(again);
    }

    @Test
    void aDryRunChangesNothing() throws Exception {
        deadAnalytics("tool-d", 0);
        deadAnalytics("tool-d", 0);
        deadAnalytics("tool-e", 0);
        Map<String, Long> depths = depths();
        List<Map<String, AttributeValue>> auditItems = scan(AuditLog.TABLE);
        List<Map<String, AttributeValue>> jobItems = scan("sluice-jobs");

        assertThat(run("dlq", "replay", DLQ, "--dry-run", "--match", "{\"detail\":{\"payload\":{\"toolId\":[\"tool-d\"]}}}"))
                .as(err.toString()).isZero();
        assertThat(out.toString()).contains("dry run, nothing changed: would have moved 2, skipped 1")
                .containsPattern("would move \\S+ \\(job \\S+\\) -> http\\S+/analytics\\R");
        assertThat(run("dlq", "purge", DLQ, "--match", "{\"detail\":{\"payload\":{\"toolId\":[\"tool-d\"]}}}"))
                .isZero();
        assertThat(out.toString()).contains("dry run, nothing deleted: 2 message(s) match, 1 do not");

        Await.until("the messages looked at are visible again", () -> depths().equals(depths));
        assertThat(scan(AuditLog.TABLE)).isEqualTo(auditItems);
        assertThat(scan("sluice-jobs")).isEqualTo(jobItems);
    }

    @Test
    void aPurgeWithYesDeletesOnlyTheMatchesAndIsAudited() {
        Instant before = Instant.now();
        deadAnalytics("tool-p", 0);
        deadAnalytics("tool-q", 0);

        assertThat(run("dlq", "purge", DLQ, "--match", "{\"detail\":{\"payload\":{\"toolId\":[\"tool-p\"]}}}",
                "--yes")).as(err.toString()).isZero();

        assertThat(out.toString()).contains("deleted 1, kept 1");
        assertThat(drain(DLQ)).extracting(m -> Json.parse(m.body()).at("/detail/payload/toolId").asText())
                .containsExactly("tool-q");
        assertThat(depth(SOURCE)).isZero();
        AuditRecord record = audits(before, "dlq.purge");
        assertThat(record.outcome()).isEqualTo(AuditRecord.Outcome.SUCCEEDED);
        assertThat(record.counts()).containsEntry("deleted", 1L);
    }

    @Test
    void anEditedMessageIsCheckedAgainstItsSchemaAndOneThatBreaksItStaysInTheDlq() {
        String broken = deadAnalytics("tool-x", 0);
        String fixed = deadAnalytics("tool-y", 0);
        MessageEditor editor = (id, json) -> {
            ObjectNode event = (ObjectNode) Json.parse(json);
            ObjectNode detail = (ObjectNode) event.get("detail");
            if (detail.at("/payload/toolId").asText().equals("tool-x")) {
                detail.remove("tenantId");
            } else {
                ((ObjectNode) detail.get("payload")).put("toolId", "tool-y-fixed");
            }
            return Json.writePretty(event);
        };

        assertThat(run(editor, "dlq", "replay", DLQ, "--edit")).as(err.toString()).isZero();

        assertThat(out.toString()).contains("moved 1, skipped 0, refused 1, failed 0")
                .containsPattern("refused +\\S+ \\(job " + broken + "\\): edited message breaks schema"
                        + " events/job-submitted: detail.tenantId");
        List<Message> sent = drain(SOURCE);
        assertThat(sent).hasSize(1);
        assertThat(Json.parse(sent.get(0).body()).at("/detail/jobId").asText()).isEqualTo(fixed);
        assertThat(Json.parse(sent.get(0).body()).at("/detail/payload/toolId").asText()).isEqualTo("tool-y-fixed");
        List<Message> left = drain(DLQ);
        assertThat(left).hasSize(1);
        assertThat(Json.parse(left.get(0).body()).at("/detail/jobId").asText()).isEqualTo(broken);
        assertThat(Json.parse(left.get(0).body()).at("/detail/tenantId").asText()).isEqualTo("ghost");
    }

    @Test
    void badInputIsOneLineExitTwoAndMovesNothing() throws Exception {
        deadAnalytics("tool-z", 0);
        deadAnalytics("tool-z", 0);
        Instant before = Instant.now();

        assertBadInput(run("dlq", "replay", "nonesuch-dlq"), "sluice: unknown dead-letter queue \"nonesuch-dlq\"");
        assertBadInput(run("dlq", "peek", "nonesuch-dlq"), "sluice: unknown dead-letter queue \"nonesuch-dlq\"");
        assertBadInput(run("dlq", "purge", "nonesuch-dlq", "--match", "{\"source\":[\"x\"]}", "--yes"),
                "sluice: unknown dead-letter queue");
        assertBadInput(run("dlq", "replay", DLQ, "--match", "{\"detail\": 5}"),
                "sluice: not a valid EventBridge event pattern");
        assertBadInput(run("dlq", "purge", DLQ, "--match", "[1,2]", "--yes"),
                "sluice: not a valid EventBridge event pattern");
        assertBadInput(run("dlq", "replay", DLQ, "--rate", "0"), "sluice: --rate must be more than 0");
        assertBadInput(run("dlq", "replay", DLQ, "--rate", "-2"), "sluice: --rate must be more than 0");
        assertBadInput(run((id, json) -> "{\"detail\": oops", "dlq", "replay", DLQ, "--edit"),
                "sluice: the edit of message ");
        assertThat(err.toString()).contains("is not JSON", "nothing was replayed");

        Await.until("the messages looked at are visible again", () -> depth(DLQ) == 2);
        assertThat(depth(SOURCE)).isZero();
        assertThat(audit.since(before)).isEmpty();
    }

    private void assertBadInput(int status, String line) {
        assertThat(status).as(out + "\n" + err).isEqualTo(2);
        assertThat(err.toString()).startsWith(line);
        assertThat(err.toString().strip().lines()).hasSize(1);
    }

    @Test
    void aNotifierFailureIsReplayedByInvokingTheNotifierWithItsRequestPayloadAndNothingElse() throws Exception {
        Invocations invocations = new Invocations();
        runtime.lambda().addListener(invocations);
        // Lambda's on-failure record of a notifier invocation whose retries ran out, as the runtime writes it.
        String jobId = UuidCreator.getTimeOrderedEpoch().toString();
        ObjectNode payload = (ObjectNode) Json.parse(Files.readString(Path.of(System.getProperty("sluice.root",
                "..")).resolve("events/samples/job-completed.json")));
        ((ObjectNode) payload.get("detail")).put("jobId", jobId).put("tenantId", "ghost").put("userId", "nobody");
        ObjectNode record = Json.object();
        record.put("version", "1.0");
        record.put("timestamp", "2026-12-02T10:00:00.000Z");
        record.putObject("requestContext").put("requestId", "r-1")
                .put("functionArn", "arn:aws:lambda:us-east-1:000000000000:function:notifier:$LATEST")
                .put("condition", "RetriesExhausted").put("approximateInvokeCount", 3);
        record.set("requestPayload", payload);
        record.putObject("responseContext").put("statusCode", 200).put("functionError", "Unhandled");
        record.putObject("responsePayload").put("errorType", "IllegalStateException").put("errorMessage", "as a test says");
        sqs.sendMessage(b -> b.queueUrl(url("notifier-dlq")).messageBody(Json.write(record)));

        int status = run("dlq", "replay", "notifier-dlq", "--match",
                "{\"requestPayload\":{\"detail\":{\"jobId\":[\"" + jobId + "\"]}}}");

        assertThat(status).as(out + "\n" + err).isZero();
        assertThat(out.toString()).contains("moved 1, skipped 0, refused 0, failed 0");
        // The notifier got the original event, not Lambda's record of it; no other function was invoked.
        invocations.await(Duration.ofSeconds(20), "the notifier invoked with the event",
                all -> all.stream().anyMatch(i -> i.function().equals("notifier")
                        && jobId.equals(i.payload().at("/detail/jobId").asText())));
        Invocations.Invocation replayed = invocations.of("notifier").stream()
                .filter(i -> jobId.equals(i.payload().at("/detail/jobId").asText())).findFirst().orElseThrow();
        assertThat(replayed.payload()).isEqualTo(payload);
        assertThat(replayed.error()).as("the notifier's answer to the replayed event").isNull();
        assertThat(drain("notifier-dlq")).noneMatch(m -> m.body().contains(jobId));
    }

    @Test
    void aFailedJobReplayedFromItsDlqEndsSucceededWithItsAttemptsContinued() throws Exception {
        Instant before = Instant.now();
        String jobId = failedAiJob();

        assertThat(run("dlq", "peek", "ai-requests-dlq", "--json")).isZero();
        JsonNode peeked = stream(Json.parse(out.toString())).filter(m -> m.at("/job/jobId").asText().equals(jobId))
                .findFirst().orElseThrow();
        assertThat(peeked.at("/failure/status").asText()).isEqualTo("FAILED");
        assertThat(peeked.at("/failure/attempts").asInt()).isEqualTo(3);
        assertThat(peeked.at("/failure/retryable").asBoolean()).isTrue();

        assertThat(run("dlq", "replay", "ai-requests-dlq", "--match", "{\"detail\":{\"jobId\":[\"" + jobId + "\"]}}"))
                .as(out + "\n" + err).isZero();
        assertThat(out.toString()).contains("moved 1, skipped 0, refused 0, failed 0");

        Job job = awaitJob(jobId, JobStatus.SUCCEEDED);
        assertThat(job.attempts()).isEqualTo(4); // 3 receives (maxReceiveCount), then the replay's
        assertThat(job.replays()).isEqualTo(1);
        assertThat(job.error()).isNull();
        assertThat(audits(before, "dlq.replay").counts()).containsEntry("moved", 1L);
    }

    @Test
    void aReplayKilledBetweenSendAndDeleteLosesNothingAndASecondReplayRunsTheJobNoMore() throws Exception {
        Instant before = Instant.now();
        String jobId = failedAiJob();
        String match = "{\"detail\":{\"jobId\":[\"" + jobId + "\"]}}";
        Error kill = new Error("killed between send and delete");
        ReplayListener dies = new ReplayListener() {
            @Override
            public void sent(ReplayItem item) {
                throw kill;
            }
        };
        try (LocalDeployment deployment = new LocalDeployment(Definitions.bundled().topology(), state,
                runtime.endpoints())) {
            Throwable thrown = null;
            try {
                DlqCommand.operations(deployment).replay("ai-requests-dlq", new ReplayRequest(
                        dev.sluice.operations.select.MessagePattern.of(match), null, null, false, false, 3, null,
                        "cli"), dies);
            } catch (Error e) {
                thrown = e;
            }
            assertThat(thrown).isSameAs(kill);
        }

        // In both places: the job runs from its source queue, and the message is still in the DLQ.
        Job job = awaitJob(jobId, JobStatus.SUCCEEDED);
        assertThat(job.attempts()).isEqualTo(4);
        Await.until("the message back in the DLQ", () -> dlqHolds("ai-requests-dlq", jobId));
        AuditRecord interrupted = audits(before, "dlq.replay");
        assertThat(interrupted.unfinished()).isTrue();

        assertThat(run("dlq", "replay", "ai-requests-dlq", "--match", match)).as(out + "\n" + err).isZero();
        assertThat(out.toString()).contains("moved 1, skipped 0, refused 0, failed 0");
        Await.until("the duplicate consumed", () -> depth("ai-requests") + inFlight("ai-requests") == 0);
        Job after = jobs.get("dev", jobId).orElseThrow();
        assertThat(after.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(after.attempts()).isEqualTo(4);
        assertThat(after.replays()).isEqualTo(1);
        assertThat(dlqHolds("ai-requests-dlq", jobId)).isFalse();
        List<AuditRecord> replays = audit.since(before).stream().filter(r -> r.operation().equals("dlq.replay"))
                .toList();
        assertThat(replays).hasSize(2);
        assertThat(replays).filteredOn(AuditRecord::unfinished).hasSize(1);
        assertThat(replays).filteredOn(r -> r.outcome() == AuditRecord.Outcome.SUCCEEDED).hasSize(1);
    }

    /** A job of the normal AI lane whose every attempt failed: FAILED, retryable, its message in ai-requests-dlq. */
    private String failedAiJob() throws Exception {
        try (SluiceClient dev = new SluiceClient(runtime.endpoints().api(), runtime.endpoints().devApiKey())) {
            var response = dev.submit("{\"type\":\"ai.request\",\"payload\":{\"sessionId\":\"s-1\",\"userId\":\"u-1\","
                    + "\"process\":\"magicSpark\",\"input\":\"fail-until-replayed\",\"priority\":\"normal\","
                    + "\"timestamp\":1795342532990}}", null);
            assertThat(response.status()).as(String.valueOf(response.body())).isEqualTo(202);
            String jobId = response.body().get("jobId").asText();
            Job failed = awaitJob(jobId, JobStatus.FAILED);
            assertThat(failed.error().retryable()).isTrue();
            Await.until("the job's message in its DLQ", Duration.ofSeconds(30), () -> dlqHolds("ai-requests-dlq", jobId));
            return jobId;
        }
    }

    private static Job awaitJob(String jobId, JobStatus status) throws InterruptedException {
        Await.until("job " + jobId + " " + status, Duration.ofSeconds(40),
                () -> jobs.get("dev", jobId).map(j -> j.status() == status).orElse(false));
        return jobs.get("dev", jobId).orElseThrow();
    }

    /** Whether a DLQ holds the job's message (looked at and released at once). */
    private static boolean dlqHolds(String dlq, String jobId) {
        List<Message> seen = sqs.receiveMessage(b -> b.queueUrl(url(dlq)).maxNumberOfMessages(10)
                .visibilityTimeout(30)).messages();
        for (Message m : seen) {
            sqs.changeMessageVisibility(b -> b.queueUrl(url(dlq)).receiptHandle(m.receiptHandle()).visibilityTimeout(0));
        }
        return seen.stream().anyMatch(m -> m.body().contains(jobId));
    }

    /** A Job Submitted of the analytics lane as its worker dead-letters it, for a job nobody has (tenant ghost). */
    private static String deadAnalytics(String toolId, int replays) {
        String jobId = UuidCreator.getTimeOrderedEpoch().toString();
        ObjectNode event = (ObjectNode) Json.parse("{\"version\":\"0\",\"id\":\"" + UuidCreator.getRandomBased()
                + "\",\"detail-type\":\"Job Submitted\",\"source\":\"sluice.jobs\",\"account\":\"000000000000\","
                + "\"time\":\"2026-12-02T10:00:00Z\",\"region\":\"us-east-1\",\"resources\":[],\"detail\":{"
                + "\"jobId\":\"" + jobId + "\",\"tenantId\":\"ghost\",\"type\":\"analytics.event\","
                + "\"priority\":\"normal\",\"submittedAt\":1795342532000,\"payload\":{\"toolId\":\"" + toolId + "\","
                + "\"interactionType\":\"click\",\"data\":{},\"timestamp\":1795342531990}}}");
        Map<String, MessageAttributeValue> attributes = new HashMap<>(Map.of(
                "SluiceErrorCode", text("invalid_event"), "SluiceErrorMessage", text("as a test says"),
                "SluiceSourceQueue", text(SOURCE), "SluiceSourceMessageId", text("m-" + jobId)));
        if (replays > 0) {
            attributes.put("SluiceReplayCount", MessageAttributeValue.builder().dataType("Number")
                    .stringValue(String.valueOf(replays)).build());
        }
        sqs.sendMessage(b -> b.queueUrl(url(DLQ)).messageBody(Json.write(event)).messageAttributes(attributes));
        return jobId;
    }

    private static MessageAttributeValue text(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }

    /** Every message of a queue, consumed. */
    private static List<Message> drain(String queue) {
        List<Message> all = new ArrayList<>();
        List<Message> batch;
        do {
            batch = sqs.receiveMessage(b -> b.queueUrl(url(queue)).maxNumberOfMessages(10).visibilityTimeout(60)
                    .messageAttributeNames("All").messageSystemAttributeNames(MessageSystemAttributeName.ALL))
                    .messages();
            for (Message m : batch) {
                sqs.deleteMessage(b -> b.queueUrl(url(queue)).receiptHandle(m.receiptHandle()));
            }
            all.addAll(batch);
        } while (!batch.isEmpty());
        return all;
    }

    private static String url(String queue) {
        return sqs.getQueueUrl(b -> b.queueName(queue)).queueUrl();
    }

    private static long depth(String queue) {
        return attribute(queue, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES);
    }

    private static long inFlight(String queue) {
        return attribute(queue, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE);
    }

    private static long attribute(String queue, QueueAttributeName name) {
        return Long.parseLong(sqs.getQueueAttributes(b -> b.queueUrl(url(queue)).attributeNames(name)).attributes()
                .get(name));
    }

    /** Visible and in-flight counts of every DLQ and of the analytics lane (the AI lanes may still be settling). */
    private static Map<String, Long> depths() {
        Map<String, Long> depths = new HashMap<>();
        for (String queue : runtime.topology().allQueueNames().stream()
                .filter(q -> q.endsWith("-dlq") || q.equals(SOURCE)).toList()) {
            depths.put(queue + " visible", depth(queue));
            depths.put(queue + " in flight", inFlight(queue));
        }
        return depths;
    }

    private static List<Map<String, AttributeValue>> scan(String table) {
        return dynamoDb.scanPaginator(b -> b.tableName(table).consistentRead(true)).items().stream().toList();
    }

    /** The latest audit record of {@code operation} since {@code before}. */
    private static AuditRecord audits(Instant before, String operation) {
        List<AuditRecord> records = audit.since(before).stream().filter(r -> r.operation().equals(operation)).toList();
        assertThat(records).as("audit records of " + operation).isNotEmpty();
        return records.get(records.size() - 1);
    }

    private static JsonNode find(JsonNode dlqs, String name) {
        return stream(dlqs).filter(d -> d.get("name").asText().equals(name)).findFirst().orElseThrow();
    }

    private static java.util.stream.Stream<JsonNode> stream(JsonNode array) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false);
    }
}
