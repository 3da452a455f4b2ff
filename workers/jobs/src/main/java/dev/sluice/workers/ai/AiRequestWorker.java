package dev.sluice.workers.ai;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.ai.ChatMessage;
import dev.sluice.core.ai.ChatModel;
import dev.sluice.core.ai.ChatReply;
import dev.sluice.core.ai.ChatRequest;
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
import dev.sluice.workers.push.JobDeltas;
import dev.sluice.workers.push.NumberedPushes;
import dev.sluice.workers.push.PushTarget;
import java.util.List;

/** The ai.request lanes (high and normal priority): one model call per job, through {@link ChatModel}. */
public final class AiRequestWorker implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private final JobQueueWorker worker;

    public AiRequestWorker() {
        AwsClients aws = AwsClients.fromEnvironment();
        Schemas schemas = Definitions.bundledSchemas();
        this.worker = JobQueueWorker.fromEnvironment(new Executor(chatModel(Setting.CHAT_MODEL.from(aws)),
                NumberedPushes.fromEnvironment(aws)), aws, schemas);
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

    static ChatModel chatModel(String name) {
        return switch (name) {
            case "local" -> new OfflineChatModel();
            default -> throw new IllegalArgumentException("CHAT_MODEL " + name + " is not one of: local");
        };
    }

    /**
     * Runs one ai.request job; a model that refuses the request for good fails the job (see JobQueueWorker).
     * A job with {@code "stream": true} has its answer pushed as {@code job.delta} messages to {@code deltas}
     * as it comes, all of them before the result is stored.
     */
    public record Executor(ChatModel model, PushTarget deltas) implements JobExecutor {

        @Override
        public JobOutcome execute(Job job, JsonNode payload, Context context) {
            ChatRequest request = new ChatRequest(OfflineChatModel.MODEL, null,
                    List.of(ChatMessage.user(payload.get("input").asText())), 0, 1024, null);
            ChatReply reply;
            if (JobDeltas.requested(payload)) {
                JobDeltas sink = JobDeltas.forJob(job, deltas);
                reply = model.stream(request, sink);
                sink.finish();
            } else {
                reply = model.reply(request);
            }
            ObjectNode result = Json.object();
            result.put("text", reply.text());
            result.put("provider", reply.provider());
            result.put("model", reply.model());
            result.put("generative", reply.generative());
            ObjectNode usage = result.putObject("usage");
            usage.put("inputTokens", reply.usage().inputTokens());
            usage.put("outputTokens", reply.usage().outputTokens());
            return JobOutcome.of(result);
        }
    }
}
