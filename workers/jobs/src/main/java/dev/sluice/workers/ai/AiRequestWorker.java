package dev.sluice.workers.ai;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.ai.DeltaSink;
import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.jobs.Job;
import dev.sluice.core.schema.Schemas;
import dev.sluice.core.topology.Definitions;
import dev.sluice.workers.ai.gateway.AiGateway;
import dev.sluice.workers.ai.gateway.AiGatewayFactory;
import dev.sluice.workers.chat.ChatModels;
import dev.sluice.workers.config.Setting;
import dev.sluice.workers.jobs.JobExecutor;
import dev.sluice.workers.jobs.JobOutcome;
import dev.sluice.workers.jobs.JobQueueWorker;
import dev.sluice.workers.priming.Priming;
import dev.sluice.workers.push.JobDeltas;
import dev.sluice.workers.push.NumberedPushes;
import dev.sluice.workers.push.PushTarget;
import java.time.Duration;

/** The ai.request lanes (high and normal priority): each job through the {@link AiGateway}. */
public final class AiRequestWorker implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private final JobQueueWorker worker;

    public AiRequestWorker() {
        AwsClients aws = AwsClients.fromEnvironment();
        Schemas schemas = Definitions.bundledSchemas();
        this.worker = JobQueueWorker.fromEnvironment(
                new Executor(AiGatewayFactory.fromEnvironment(aws, ChatModels.choice(aws).model()),
                        NumberedPushes.fromEnvironment(aws)),
                aws, schemas, Duration.ofSeconds(Setting.BUDGET_WAIT_LIMIT_SECONDS.longFrom(aws)));
        Priming.of(AiRequestWorker.class, aws).validate("/Records/0/body", schemas, JobQueueWorker.EVENT_SCHEMA)
                .register(this);
    }

    public AiRequestWorker(JobQueueWorker worker) {
        this.worker = worker;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        return worker.handle(event, context);
    }

    /**
     * Runs one ai.request job through the gateway; a permanent failure (a missing template, a model's
     * refusal) fails the job, a transient one is retried (see JobQueueWorker). A job with
     * {@code "stream": true} has its answer pushed as {@code job.delta} messages to {@code deltas} as it
     * comes, all of them before the result is stored.
     */
    public record Executor(AiGateway gateway, PushTarget deltas) implements JobExecutor {

        @Override
        public JobOutcome execute(Job job, JsonNode payload, Context context) {
            if (!JobDeltas.requested(payload)) {
                return JobOutcome.of(gateway.execute(job, payload, DeltaSink.NONE));
            }
            JobDeltas sink = JobDeltas.forJob(job, deltas);
            JsonNode result = gateway.execute(job, payload, sink);
            sink.finish();
            return JobOutcome.of(result);
        }
    }
}
