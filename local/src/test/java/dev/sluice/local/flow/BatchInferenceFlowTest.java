package dev.sluice.local.flow;

import static dev.sluice.local.flow.FlowFixture.awaitJob;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.ai.ChatModel;
import dev.sluice.core.ai.ChatReply;
import dev.sluice.core.ai.ChatRequest;
import dev.sluice.core.ai.ModelFailure;
import dev.sluice.core.client.PushStream;
import dev.sluice.core.client.SluiceClient;
import dev.sluice.core.jobs.JobStore;
import dev.sluice.core.json.Json;
import dev.sluice.core.topology.Definitions;
import dev.sluice.core.topology.FunctionSpec;
import dev.sluice.core.topology.Topology;
import dev.sluice.local.LocalRuntime;
import dev.sluice.local.support.Await;
import dev.sluice.local.support.Clients;
import dev.sluice.workers.ai.OfflineChatModel;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Batch inference end to end on the real topology: low-priority ai.request jobs wait in the batch
 * lane; the collector batches them (or sends them on demand after the window); the ai-batch state
 * machine submits the batch to the local batch inference endpoint through the stock BedrockClient,
 * polls it, and fans the output out to each job, which is pushed over the WebSocket.
 */
class BatchInferenceFlowTest {

    private static final Duration PATIENCE = Duration.ofSeconds(40);
    private static final int WINDOW_SECONDS = 2;

    @TempDir
    static Path state;
    static FlowFixture flow;
    static SluiceClient dev;
    static SqsClient sqs;
    static String batchQueue;

    /**
     * The offline provider, except that an input starting "deny:" is refused as Bedrock refuses a role
     * it may not use (the whole model job fails), and one starting "refuse:" as an invalid record.
     */
    static final class DenyingModel implements ChatModel {
        private final OfflineChatModel offline = new OfflineChatModel();

        @Override
        public ChatReply reply(ChatRequest request) {
            if (request.input().startsWith("deny:")) {
                throw new ModelFailure(ModelFailure.Kind.ACCESS_DENIED, "the service role may not invoke "
                        + request.modelId(), null);
            }
            if (request.input().startsWith("refuse:")) {
                throw new ModelFailure(ModelFailure.Kind.INVALID_REQUEST, "the record is not valid for "
                        + request.modelId(), null);
            }
            return offline.reply(request);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        Topology t = Definitions.bundled().topology();
        // The test runs the collector as its schedule would, at the moments it chooses: the schedule
        // itself (a minute after start) would race it for the same messages.
        Topology topology = t.withFunctions(t.functions().stream().map(f -> switch (f.name()) {
            case "ai-batch-fan-out" -> f.withHandler(PricedFanOutBatchTask.class.getName());
            case "ai-batch-collector" -> new FunctionSpec(f.name(), f.handler(), f.memoryMb(), f.timeoutSeconds(),
                    f.sqsTrigger(), null, f.artifact(), f.environment(), f.uses(), f.onFailure());
            default -> f;
        }).toList());
        flow = FlowFixture.start(topology, state, LocalRuntime.Options.defaults()
                .withProfileValues(Map.of("batchMinSize", "3", "batchWindowSeconds", String.valueOf(WINDOW_SECONDS),
                        "batchPollSeconds", "1"))
                .withBatchModel(new DenyingModel()));
        dev = flow.devClient();
        sqs = Clients.sqs(flow.runtime.endpoints());
        batchQueue = sqs.getQueueUrl(b -> b.queueName("ai-requests-batch")).queueUrl();
    }

    @AfterAll
    static void stop() {
        sqs.close();
        dev.close();
        flow.close();
    }

    @Test
    void lowPriorityJobsRunAsOneBatchAtTheBatchPriceAndArePushed() throws Exception {
        try (PushStream pushes = dev.connect(flow.runtime.endpoints().webSocket())) {
            List<String> jobs = submitLow("Summarize the tides. They rise twice a day.", "Name three rivers.",
                    "Why is the sky blue? Answer briefly.");
            awaitWaiting(3);

            JsonNode collected = collect();
            assertThat(collected.get("batched").asInt()).as(collected.toString()).isEqualTo(3);

            String batchId = collected.get("batchId").asText();
            for (String jobId : jobs) {
                JsonNode push = pushes.next(m -> jobId.equals(m.path("jobId").asText()), PATIENCE);
                assertThat(push).as("a push for " + jobId).isNotNull();
                assertThat(push.get("status").asText()).isEqualTo("SUCCEEDED");
                JsonNode job = awaitJob(dev, jobId, j -> j.path("status").asText().equals("SUCCEEDED"), PATIENCE);
                JsonNode result = job.get("result");
                assertThat(result.get("inference").asText()).isEqualTo("batch");
                assertThat(result.get("batchId").asText()).isEqualTo(batchId);
                assertThat(result.get("provider").asText()).isEqualTo(OfflineChatModel.PROVIDER);
                assertThat(result.get("generative").asBoolean()).isFalse();
                assertThat(result.get("text").asText()).startsWith("[offline local provider, not a generative model]");
                JsonNode usage = result.get("usage");
                int in = usage.get("inputTokens").asInt();
                int out = usage.get("outputTokens").asInt();
                assertThat(in).isPositive();
                assertThat(out).isPositive();
                assertThat(usage.get("costUsd").decimalValue()).isEqualByComparingTo(
                        PricedFanOutBatchTask.onDemand(in, out).multiply(new BigDecimal("0.5")));
                assertThat(usage.get("costUsd").decimalValue()).isPositive();
            }
        }
    }

    @Test
    void fewerThanTheMinimumWaitForTheWindowAndThenRunOnDemand() throws Exception {
        String jobId = submitLow("Only one of me.").get(0);
        awaitWaiting(1);
        long submitted = System.currentTimeMillis();

        JsonNode early = collect();
        assertThat(early.get("batched").asInt()).isZero();
        assertThat(early.get("onDemand").asInt()).isZero();
        assertThat(dev.get("/v1/jobs/" + jobId).body().get("status").asText()).isEqualTo("QUEUED");

        Await.until("the accumulation window to pass", Duration.ofSeconds(10),
                () -> System.currentTimeMillis() - submitted > WINDOW_SECONDS * 1000L);
        collect();

        JsonNode job = awaitJob(dev, jobId, j -> j.path("status").asText().matches("SUCCEEDED|FAILED"), PATIENCE);
        assertThat(job.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(job.get("attempts").asInt()).isEqualTo(1);
        assertThat(job.get("result").has("inference")).as("answered on demand, not by a batch").isFalse();
        assertThat(job.get("result").get("provider").asText()).isEqualTo(OfflineChatModel.PROVIDER);
    }

    @Test
    void aBatchWhoseModelJobFailsSendsItsJobsBackOnDemand() throws Exception {
        List<String> jobs = submitLow("deny: the batch role may not use the model.", "Count to three.",
                "Spell river.");
        awaitWaiting(3);

        JsonNode collected = collect();
        assertThat(collected.get("batched").asInt()).as(collected.toString()).isEqualTo(3);

        for (String jobId : jobs) {
            JsonNode job = awaitJob(dev, jobId, j -> j.path("status").asText().matches("SUCCEEDED|FAILED"), PATIENCE);
            assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("SUCCEEDED");
            assertThat(job.get("result").has("inference")).as("answered on demand").isFalse();
            assertThat(job.get("attempts").asInt()).as("the batch's attempt, then the on-demand one").isEqualTo(2);
        }
        var sfn = Clients.sfn(flow.runtime.endpoints());
        var execution = sfn.describeExecution(b -> b.executionArn(
                "arn:aws:states:us-east-1:000000000000:execution:ai-batch:" + collected.get("batchId").asText()));
        assertThat(execution.statusAsString()).isEqualTo("FAILED");
        assertThat(execution.error()).isEqualTo("BatchReturnedOnDemand");
        sfn.close();
    }

    @Test
    void aRecordTheModelRefusesFailsItsJobWithTheReasonAndTheOthersSucceed() throws Exception {
        List<String> jobs = submitLow("refuse: not a record the model takes.", "Name a lake.", "Name a sea.");
        awaitWaiting(3);

        JsonNode collected = collect();
        assertThat(collected.get("batched").asInt()).as(collected.toString()).isEqualTo(3);

        JsonNode refused = awaitJob(dev, jobs.get(0), j -> j.path("status").asText().matches("SUCCEEDED|FAILED"),
                PATIENCE);
        assertThat(refused.get("status").asText()).isEqualTo("FAILED");
        assertThat(refused.at("/error/code").asText()).isEqualTo("batch_record_failed");
        assertThat(refused.at("/error/message").asText()).contains("400", "the record is not valid");
        assertThat(refused.at("/error/retryable").asBoolean()).isFalse();
        for (String jobId : jobs.subList(1, 3)) {
            JsonNode job = awaitJob(dev, jobId, j -> j.path("status").asText().matches("SUCCEEDED|FAILED"), PATIENCE);
            assertThat(job.get("status").asText()).isEqualTo("SUCCEEDED");
            assertThat(job.at("/result/inference").asText()).isEqualTo("batch");
        }
    }

    @Test
    void theSweeperGivesAJobWaitingForABatchMoreTimeAtItsDeadline() throws Exception {
        String jobId = submitLow("Still waiting for company.").get(0);
        awaitWaiting(1);
        long submitted = System.currentTimeMillis();
        JobStore jobs = new JobStore(flow.dynamoDb, "sluice-jobs");
        jobs.extendDeadline("dev", jobId, submitted - 1); // its deadline has come

        JsonNode sweep = Json.parse(new String(flow.runtime.lambda().invoke("job-sweeper", FlowFixture.scheduledEvent()),
                StandardCharsets.UTF_8));

        assertThat(sweep.get("errors").asInt()).as(sweep.toString()).isZero();
        assertThat(sweep.get("extended").asInt()).as(sweep.toString()).isGreaterThanOrEqualTo(1);
        assertThat(dev.get("/v1/jobs/" + jobId).body().get("status").asText()).isEqualTo("QUEUED");

        // Out of the lane for the other tests: the window passes and it runs on demand.
        Await.until("the accumulation window to pass", Duration.ofSeconds(10),
                () -> System.currentTimeMillis() - submitted > WINDOW_SECONDS * 1000L);
        collect();
        assertThat(awaitJob(dev, jobId, j -> j.path("status").asText().equals("SUCCEEDED"), PATIENCE)).isNotNull();
    }

    private List<String> submitLow(String... inputs) throws Exception {
        List<String> ids = new ArrayList<>();
        for (String input : inputs) {
            var response = dev.submit("{\"type\":\"ai.request\",\"priority\":\"low\",\"payload\":{\"sessionId\":\"s-1\","
                    + "\"userId\":\"u-1\",\"process\":\"magicSpark\",\"input\":" + Json.write(input)
                    + ",\"priority\":\"low\",\"timestamp\":1795342532990}}", null);
            assertThat(response.status()).as(String.valueOf(response.body())).isEqualTo(202);
            ids.add(response.body().get("jobId").asText());
        }
        return ids;
    }

    /** The batch lane holds {@code n} messages: the bus has delivered every submitted job. */
    private static void awaitWaiting(int n) throws InterruptedException {
        Await.until(n + " messages in the batch lane", Duration.ofSeconds(20), () -> Integer.parseInt(sqs
                .getQueueAttributes(b -> b.queueUrl(batchQueue).attributeNames(
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                .attributes().get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)) >= n);
    }

    /** One run of the collector, as its schedule would invoke it. */
    private static JsonNode collect() throws Exception {
        byte[] out = flow.runtime.lambda().invoke("ai-batch-collector", FlowFixture.scheduledEvent());
        return Json.parse(new String(out, StandardCharsets.UTF_8));
    }
}
