package dev.sluice.local.flow;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.failure.PortFailure;
import dev.sluice.core.topology.Definitions;
import dev.sluice.workers.ai.AiRequestWorker;
import dev.sluice.workers.ai.OfflineChatModel;
import dev.sluice.workers.ai.gateway.AiGatewayFactory;
import dev.sluice.workers.jobs.JobQueueWorker;
import dev.sluice.workers.push.NumberedPushes;

/**
 * The real AI worker (batching, idempotency, retries, DLQ) whose model fails on request: an input
 * {@code fail-times:N} fails its first N attempts, {@code fail-always} every one, {@code fail-until-replayed}
 * every one until the job is replayed from its dead-letter queue; {@code fail-permanently} fails at once for
 * good. {@code stream-gated} streams a {@link WordStreamingModel#gated()} answer, {@code stream-breaks-once}
 * one whose first attempt breaks midway. Only the model is a double; everything around it is what runs
 * on AWS.
 */
public final class FlakyAiWorker implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private final AiRequestWorker worker;

    public FlakyAiWorker() {
        AwsClients aws = AwsClients.fromEnvironment();
        NumberedPushes pushes = NumberedPushes.fromEnvironment(aws);
        AiRequestWorker.Executor real = new AiRequestWorker.Executor(
                AiGatewayFactory.fromEnvironment(aws, new OfflineChatModel()), pushes);
        AiRequestWorker.Executor gated = new AiRequestWorker.Executor(
                AiGatewayFactory.fromEnvironment(aws, WordStreamingModel.gated()), pushes);
        AiRequestWorker.Executor breaking = new AiRequestWorker.Executor(
                AiGatewayFactory.fromEnvironment(aws, WordStreamingModel.breakingMidway()), pushes);
        AiRequestWorker.Executor whole = new AiRequestWorker.Executor(
                AiGatewayFactory.fromEnvironment(aws, WordStreamingModel.whole()), pushes);
        this.worker = new AiRequestWorker(JobQueueWorker.fromEnvironment((job, payload, context) -> {
            String input = payload.get("input").asText();
            if (input.equals("fail-always")
                    || input.startsWith("fail-times:") && job.attempts() <= Integer.parseInt(input.substring(11))
                    || input.equals("fail-until-replayed") && job.replays() == 0) {
                throw new IllegalStateException("model unavailable (attempt " + job.attempts() + ")");
            }
            if (input.equals("fail-permanently")) {
                throw PortFailure.permanent("model_refused", "the model refuses this input", null);
            }
            return switch (input) {
                case "stream-gated" -> gated.execute(job, payload, context);
                case "stream-breaks-once" -> (job.attempts() == 1 ? breaking : whole).execute(job, payload, context);
                default -> real.execute(job, payload, context);
            };
        }, aws, Definitions.bundledSchemas()));
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        return worker.handleRequest(event, context);
    }
}
