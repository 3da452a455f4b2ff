package dev.sluice.workers.analytics;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.jobs.Job;
import dev.sluice.core.json.Json;
import dev.sluice.core.schema.Schemas;
import dev.sluice.core.topology.Definitions;
import dev.sluice.workers.config.Setting;
import dev.sluice.workers.jobs.JobExecutor;
import dev.sluice.workers.jobs.JobOutcome;
import dev.sluice.workers.jobs.JobQueueWorker;
import dev.sluice.workers.priming.Priming;
import dev.sluice.workers.tenants.AnalyticsCounters;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The analytics lane: each event adds one to its tool's counters, in the same transaction as the job's completion. */
public final class AnalyticsWorker implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private final JobQueueWorker worker;

    public AnalyticsWorker() {
        AwsClients aws = AwsClients.fromEnvironment();
        AnalyticsCounters counters = new AnalyticsCounters(aws.build(DynamoDbClient.builder(), "DYNAMODB"),
                Setting.ANALYTICS_TABLE.from(aws));
        Schemas schemas = Definitions.bundledSchemas();
        this.worker = JobQueueWorker.fromEnvironment(new Executor(counters), aws, schemas);
        Priming.of(AnalyticsWorker.class, aws).validate("/Records/0/body", schemas, JobQueueWorker.EVENT_SCHEMA)
                .register(this);
    }

    public AnalyticsWorker(JobQueueWorker worker) {
        this.worker = worker;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        return worker.handle(event, context);
    }

    public record Executor(AnalyticsCounters counters) implements JobExecutor {

        @Override
        public JobOutcome execute(Job job, JsonNode payload, Context context) {
            String toolId = payload.get("toolId").asText();
            String interactionType = payload.get("interactionType").asText();
            long timestamp = payload.get("timestamp").asLong();
            ObjectNode result = Json.object();
            result.put("counted", true);
            result.put("toolId", toolId);
            result.put("interactionType", interactionType);
            return new JobOutcome(result, List.of(counters.increment(job.tenantId(), toolId, interactionType,
                    timestamp)));
        }
    }
}
