package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.cli.where.UsageErrors;
import dev.sluice.core.client.ApiResponse;
import dev.sluice.core.client.SluiceClient;
import dev.sluice.core.jobs.Job;
import dev.sluice.core.jobs.JobError;
import dev.sluice.core.jobs.JobStore;
import dev.sluice.core.jobs.JobType;
import dev.sluice.core.json.Json;
import dev.sluice.core.topology.Definitions;
import dev.sluice.core.topology.Topology;
import dev.sluice.local.LocalRuntime;
import dev.sluice.local.flow.FlakyAiWorker;
import dev.sluice.local.support.Await;
import dev.sluice.operations.audit.AuditLog;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * {@code sluice jobs retry}, {@code sluice dlq redrive} and {@code sluice audit} against a running
 * local stack, through the real SDK clients. The AI lanes run the real worker with a model that fails
 * on request ({@link FlakyAiWorker}); the e-mail lane has no worker, so a message can be walked into
 * its DLQ by receiving it, as SQS's redrive policy does.
 */
class RetryRedriveAuditCommandsTest {

    private static final String AI_PAYLOAD = "{\"sessionId\":\"s-1\",\"userId\":\"u-1\",\"process\":\"magicSpark\","
            + "\"input\":%s,\"priority\":\"normal\",\"timestamp\":1795342532990}";

    @TempDir
    static Path state;
    static LocalRuntime runtime;
    static SqsClient sqs;
    static DynamoDbClient dynamoDb;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeAll
    static void start() throws Exception {
        Topology t = Definitions.bundled().topology();
        t = t.withFunctions(t.functions().stream().filter(f -> !f.name().equals("email-worker"))
                .map(f -> f.name().startsWith("ai-worker") ? f.withHandler(FlakyAiWorker.class.getName()) : f)
                .toList());
        runtime = LocalRuntime.start(t, state, LocalRuntime.Options.defaults()
                .withProfileValues(Map.of("retryBaseSeconds", "1", "retryMaxSeconds", "1")));
        sqs = LocalRuntime.client(SqsClient.builder(), runtime.endpoints().sqs(), runtime.endpoints().region());
        dynamoDb = LocalRuntime.client(DynamoDbClient.builder(), runtime.endpoints().dynamodb(),
                runtime.endpoints().region());
    }

    @AfterAll
    static void stop() {
        sqs.close();
        dynamoDb.close();
        runtime.close();
    }

    private int run(Object command, String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        CommandLine cli = UsageErrors.install(new CommandLine(command));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    private int sluice(String... args) {
        return run(new Sluice(), args);
    }

    private String dir() {
        return state.toString();
    }

    private static SluiceClient client() {
        return new SluiceClient(runtime.endpoints().api(), runtime.endpoints().devApiKey());
    }

    private static String submitAi(String input) throws Exception {
        try (SluiceClient client = client()) {
            ApiResponse response = client.submit("{\"type\":\"ai.request\",\"payload\":"
                    + String.format(AI_PAYLOAD, Json.write(input)) + "}", null);
            assertThat(response.status()).as(String.valueOf(response.body())).isEqualTo(202);
            return response.body().get("jobId").asText();
        }
    }

    private static JsonNode awaitJob(String jobId, Predicate<JsonNode> done) throws Exception {
        java.util.concurrent.atomic.AtomicReference<JsonNode> job = new java.util.concurrent.atomic.AtomicReference<>();
        try (SluiceClient client = client()) {
            Await.until("job " + jobId + " to get there", Duration.ofSeconds(40), () -> {
                try {
                    job.set(client.get("/v1/jobs/" + jobId).body());
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return true;
                }
                return job.get() != null && done.test(job.get());
            });
        }
        return job.get();
    }

    private static Predicate<JsonNode> status(String status) {
        return j -> status.equals(j.path("status").asText());
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Await.until(what, Duration.ofSeconds(30), condition);
    }

    private static long auditRows() {
        return new AuditLog(dynamoDb, AuditLog.TABLE, Clock.systemUTC()).since(java.time.Instant.EPOCH.plusSeconds(
                1_790_000_000L)).size();
    }

    @Test
    void aFailedRetryableJobRetriedEndsSucceededWithItsAttemptsContinuedAndADryRunChangesNothing()
            throws Exception {
        String jobId = submitAi("fail-until-replayed");
        JsonNode failed = awaitJob(jobId, status("FAILED"));
        assertThat(failed.at("/error/code").asText()).isEqualTo("retries_exhausted");
        int attempts = failed.get("attempts").asInt();

        long audited = auditRows();
        assertThat(sluice("jobs", "retry", "--dir", dir(), jobId, "--dry-run")).as(err.toString()).isZero();
        assertThat(out.toString()).contains(jobId, "would retry: to ai-requests", "nothing was sent");
        assertThat(auditRows()).isEqualTo(audited);
        try (SluiceClient client = client()) {
            assertThat(client.get("/v1/jobs/" + jobId).body().get("status").asText()).isEqualTo("FAILED");
        }

        assertThat(sluice("jobs", "retry", "--dir", dir(), jobId)).as(out + "\n" + err).isZero();
        assertThat(out.toString()).contains("retried: to ai-requests", "retried 1, skipped 0, refused 0, failed 0");
        JsonNode done = awaitJob(jobId, status("SUCCEEDED"));
        assertThat(done.get("attempts").asInt()).isEqualTo(attempts + 1);
        assertThat(done.get("replays").asInt()).isEqualTo(1);

        assertThat(sluice("audit", "--dir", dir())).as(err.toString()).isZero();
        assertThat(out.toString()).containsPattern("jobs\\.retry " + jobId + " +force=false jobId=" + jobId
                + " +failed=0 refused=0 retried=1 skipped=0 +SUCCEEDED");
    }

    @Test
    void aPermanentFailureIsSkippedWithWhyAndASelectionFindsIt() throws Exception {
        String jobId = submitAi("fail-permanently");
        awaitJob(jobId, status("FAILED"));

        assertThat(sluice("jobs", "retry", "--dir", dir(), jobId)).isEqualTo(1);
        assertThat(out.toString()).contains("skipped: its failure (model_refused) is permanent",
                "retried 0, skipped 1");

        assertThat(sluice("jobs", "retry", "--dir", dir(), "--status", "FAILED", "--since", "1h", "--tenant", "dev",
                "--match", "{\"detail\":{\"type\":[\"ai.request\"]}}", "--dry-run")).as(err.toString()).isZero();
        assertThat(out.toString()).contains(jobId + "  dev", "skipped");
    }

    @Test
    void aJobReplayedThreeTimesIsRefusedAndForcePassesTheLoopGuard() throws Exception {
        JobStore jobs = new JobStore(dynamoDb, "sluice-jobs");
        String jobId = UUID.randomUUID().toString();
        long now = System.currentTimeMillis();
        jobs.create(Job.queued(jobId, "dev", "u-1", JobType.AI_REQUEST, "normal", now,
                Json.parse(String.format(AI_PAYLOAD, "\"fail-until-replayed\"")), null), null, null, now,
                now + 3_600_000);
        for (int run = 0; run < 4; run++) {
            assertThat(jobs.markRunning("dev", jobId, now + run, now + 60_000, now + 3_600_000))
                    .isInstanceOf(JobStore.Claim.Running.class);
            jobs.fail("dev", jobId, new JobError("retries_exhausted", "failed", true), now + run).orElseThrow();
        }

        assertThat(sluice("jobs", "retry", "--dir", dir(), "--tenant", "dev", jobId)).isEqualTo(1);
        assertThat(out.toString()).contains("refused: replayed 3 times", "--force");
        assertThat(jobs.get("dev", jobId).orElseThrow().status().name()).isEqualTo("FAILED");

        assertThat(sluice("jobs", "retry", "--dir", dir(), "--tenant", "dev", jobId, "--force")).as(out.toString())
                .isZero();
        JsonNode done = awaitJob(jobId, status("SUCCEEDED"));
        assertThat(done.get("replays").asInt()).isEqualTo(4);
        assertThat(done.get("attempts").asInt()).isEqualTo(5);
    }

    @Test
    void aRedriveMovesAQueueDlqMessageBackToItsSourceAndIsAudited() throws Exception {
        String email = sqs.getQueueUrl(b -> b.queueName("email")).queueUrl();
        String emailDlq = sqs.getQueueUrl(b -> b.queueName("email-dlq")).queueUrl();
        String body = "{\"redrive\":\"" + UUID.randomUUID() + "\"}";
        sqs.sendMessage(b -> b.queueUrl(email).messageBody(body));
        // Received and not deleted maxReceiveCount times: SQS's redrive policy moves it to the DLQ.
        await("the message in email-dlq", () -> {
            sqs.receiveMessage(b -> b.queueUrl(email).visibilityTimeout(0).waitTimeSeconds(0));
            return depth(emailDlq) == 1;
        });

        assertThat(run(new DlqRedrive(), "--dir", dir(), "email-dlq")).as(out + "\n" + err).isZero();
        assertThat(out.toString()).contains("redrive of email-dlq to email COMPLETED: 1 message(s) moved");

        Message back = receive(email);
        assertThat(back.body()).isEqualTo(body);
        // SQS gives a redriven message a new id; ElasticMQ 1.7.1 keeps the old one, so the id is not compared.
        assertThat(depth(emailDlq)).isZero();
        assertThat(sluice("audit", "--dir", dir(), "--json")).isZero();
        JsonNode redrive = null;
        for (JsonNode record : Json.parse(out.toString())) {
            if (record.get("operation").asText().equals("dlq.redrive")) {
                redrive = record;
            }
        }
        assertThat(redrive).as(out.toString()).isNotNull();
        assertThat(redrive.get("target").asText()).isEqualTo("email-dlq");
        assertThat(redrive.get("outcome").asText()).isEqualTo("SUCCEEDED");
        assertThat(redrive.at("/counts/moved").asLong()).isEqualTo(1);
        assertThat(redrive.get("principal").asText()).startsWith("local:");

        assertThat(run(new DlqRedrive(), "--dir", dir(), "email-dlq", "--cancel")).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("sluice: no redrive of email-dlq is running" + System.lineSeparator());
    }

    private static long depth(String queueUrl) {
        Map<QueueAttributeName, String> a = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
        return a.values().stream().mapToLong(Long::parseLong).sum();
    }

    private static Message receive(String queueUrl) throws InterruptedException {
        Message[] got = new Message[1];
        await("a message on " + queueUrl, () -> {
            List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(queueUrl).waitTimeSeconds(1)).messages();
            got[0] = messages.isEmpty() ? null : messages.get(0);
            return got[0] != null;
        });
        return got[0];
    }

    @Test
    void anActionNeverFinishedIsListedAsUnfinished() {
        new AuditLog(dynamoDb, AuditLog.TABLE, Clock.systemUTC()).begin("dlq.replay", "local:someone", "cli",
                "analytics-dlq", Map.of("rate", "5"), false);

        assertThat(sluice("audit", "--dir", dir(), "--since", "30m")).as(err.toString()).isZero();
        assertThat(out.toString()).containsPattern("WHEN +WHO +WHAT +SELECTION +COUNTS +OUTCOME")
                .containsPattern("local:someone +dlq\\.replay analytics-dlq +rate=5 +- +unfinished");
    }

    @Test
    void badInputIsOneLineExitTwoAndMovesNothing() {
        assertOneLineUsageError(run(new DlqRedrive(), "--dir", dir(), "emial-dlq"),
                "unknown dead-letter queue \"emial-dlq\"");
        assertOneLineUsageError(run(new DlqRedrive(), "--dir", dir(), "event-delivery-dlq"),
                "event-delivery-dlq cannot be redriven by SQS", "use `sluice dlq replay event-delivery-dlq`");
        assertOneLineUsageError(run(new DlqRedrive(), "--dir", dir(), "email-dlq", "--rate", "0"),
                "--rate must be 1 to 500");
        assertOneLineUsageError(sluice("jobs", "retry", "--dir", dir(), "--status", "FAILED", "--since", "garbage"),
                "\"garbage\" is not a duration");
        assertOneLineUsageError(sluice("jobs", "retry", "--dir", dir(), "--status", "FAILED", "--since", "1h",
                "--match", "{\"detail\":{\"type\":\"email.send\"}}"), "--match: not a valid EventBridge event pattern");
        assertOneLineUsageError(sluice("jobs", "retry", "--dir", dir(), UUID.randomUUID().toString()), "no job \"");
        assertOneLineUsageError(sluice("audit", "--dir", dir(), "--since", "yesterday"), "is not a duration");
    }

    private void assertOneLineUsageError(int status, String... says) {
        assertThat(status).as(out + "\n" + err).isEqualTo(2);
        assertThat(err.toString().lines()).hasSize(1);
        assertThat(err.toString()).startsWith("sluice: ").contains(says);
        assertThat(out.toString()).isEmpty();
    }
}
