package dev.sluice.workers.ai.batch;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.jobs.Job;
import dev.sluice.core.jobs.JobStore;
import dev.sluice.core.json.Json;
import dev.sluice.workers.ai.OfflineChatModel;
import dev.sluice.workers.ai.config.GatewayConfig;
import dev.sluice.workers.ai.cost.PriceTable;
import dev.sluice.workers.ai.gateway.Pricing;
import dev.sluice.workers.config.S3Access;
import dev.sluice.workers.config.Setting;
import dev.sluice.workers.jobevents.ClaimChecks;
import dev.sluice.workers.jobevents.JobEvents;
import dev.sluice.workers.metrics.Metrics;
import dev.sluice.workers.priming.Priming;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Gives each job of a finished batch its outcome from Bedrock's output: a record with
 * {@code modelOutput} completes its job (priced at the batch price), a record with {@code error}
 * fails it with Bedrock's reason, and a job with no record in the output goes back on demand.
 * A job the batch no longer holds (a retry of this step, a sweep) is left as it is.
 */
public final class FanOutBatchTask extends BatchTask {

    private static final Logger LOG = LoggerFactory.getLogger(FanOutBatchTask.class);

    private final BatchFiles files;
    private final BatchJobs jobs;
    private final BatchPrice price;
    private final String provider;

    public FanOutBatchTask() {
        this(AwsClients.fromEnvironment());
    }

    private FanOutBatchTask(AwsClients aws) {
        this(aws, new PriceTable(GatewayConfig.bundled().prices()));
        Priming.of(FanOutBatchTask.class, aws).register(this);
    }

    /** With the on-demand prices of {@code pricing}, the rest from the function's environment. */
    public FanOutBatchTask(AwsClients aws, Pricing pricing) {
        this(S3Access.client(aws), batchJobs(aws), new BatchPrice(pricing,
                new BigDecimal(BatchSettings.BATCH_PRICE_FACTOR.from(aws))), BatchSettings.BATCH_PROVIDER.from(aws));
    }

    FanOutBatchTask(S3Client s3, BatchJobs jobs, BatchPrice price, String provider) {
        this.files = new BatchFiles(s3);
        this.jobs = jobs;
        this.price = price;
        this.provider = provider;
    }

    static BatchJobs batchJobs(AwsClients aws) {
        return new BatchJobs(new JobStore(aws.build(DynamoDbClient.builder(), "DYNAMODB"), Setting.JOBS_TABLE.from(aws)),
                new JobEvents(aws.build(EventBridgeClient.builder(), "EVENTBRIDGE"), Setting.EVENT_BUS.from(aws)),
                new ClaimChecks(S3Access.client(aws), Setting.PAYLOAD_BUCKET.from(aws)),
                aws.build(SqsClient.builder(), "SQS"), BatchSettings.ON_DEMAND_QUEUE_URL.from(aws), Clock.systemUTC(),
                Metrics.fromEnvironment());
    }

    @Override
    protected JsonNode run(JsonNode input, Context context) {
        BatchRun run = run(input);
        String jobArn = input.path("job").path("jobArn").asText();
        List<BatchEntry> entries = files.manifest(run);
        Map<String, JsonNode> records = new HashMap<>();
        files.output(run, jobArn).orElse(List.of()).forEach(line -> records.put(line.path("recordId").asText(), line));
        int succeeded = 0;
        int failed = 0;
        int returned = 0;
        for (BatchEntry entry : entries) {
            JsonNode record = records.get(entry.jobId());
            if (record == null) {
                returned += jobs.returnOnDemand(entry) ? 1 : 0;
            } else if (record.has("modelOutput")) {
                Optional<Job> held = jobs.held(entry);
                if (held.isPresent() && jobs.complete(held.get(), result(run, record.get("modelOutput")))) {
                    succeeded++;
                }
            } else {
                JsonNode error = record.path("error");
                failed += jobs.fail(entry, "batch_record_failed", "Bedrock batch inference refused this record ("
                        + error.path("errorCode").asText("?") + "): " + error.path("errorMessage").asText("no reason given"))
                        ? 1 : 0;
            }
        }
        LOG.atInfo().setMessage("batch fanned out").addKeyValue("batchId", run.batchId())
                .addKeyValue("succeeded", succeeded).addKeyValue("failed", failed).addKeyValue("returned", returned)
                .log();
        ObjectNode counts = Json.object();
        counts.put("succeeded", succeeded);
        counts.put("failed", failed);
        counts.put("returnedOnDemand", returned);
        return counts;
    }

    private ObjectNode result(BatchRun run, JsonNode modelOutput) {
        ConverseRecords.Answer answer = ConverseRecords.answer(modelOutput);
        ObjectNode result = Json.object();
        result.put("text", answer.text());
        result.put("provider", provider);
        result.put("model", run.modelId());
        result.put("generative", !provider.equals(OfflineChatModel.PROVIDER));
        result.put("stopReason", answer.stopReason());
        result.put("inference", "batch");
        result.put("batchId", run.batchId());
        ObjectNode usage = result.putObject("usage");
        usage.put("model", run.modelId());
        usage.put("provider", provider);
        usage.put("inputTokens", answer.usage().inputTokens());
        usage.put("outputTokens", answer.usage().outputTokens());
        usage.put("cacheReadTokens", answer.usage().cacheReadTokens());
        usage.put("cacheWriteTokens", answer.usage().cacheWriteTokens());
        usage.put("costUsd", price.cost(run.modelId(), answer.usage()));
        usage.put("priceFactor", price.factor());
        usage.put("latencyMs", answer.latencyMs());
        usage.put("cache", "bypass");
        return result;
    }
}
