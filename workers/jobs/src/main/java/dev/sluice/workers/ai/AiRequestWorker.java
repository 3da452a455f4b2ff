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
import dev.sluice.workers.chat.ChatModels;
import dev.sluice.workers.jobs.JobExecutor;
import dev.sluice.workers.jobs.JobOutcome;
import dev.sluice.workers.jobs.JobQueueWorker;
import dev.sluice.workers.priming.Priming;
import java.util.List;

/** The ai.request lanes (high and normal priority): one model call per job, through {@link ChatModel}. */
public final class AiRequestWorker implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private final JobQueueWorker worker;

    public AiRequestWorker() {
        AwsClients aws = AwsClients.fromEnvironment();
        Schemas schemas = Definitions.bundledSchemas();
        ChatModels.Choice chat = ChatModels.choice(aws);
        this.worker = JobQueueWorker.fromEnvironment(new Executor(chat.model(), chat.defaultModelId()), aws, schemas);
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

    /** Runs one ai.request job; a model that refuses the request for good fails the job (see JobQueueWorker). */
    public record Executor(ChatModel model, String modelId) implements JobExecutor {

        /** The offline provider's model. */
        public Executor(ChatModel model) {
            this(model, OfflineChatModel.MODEL);
        }

        @Override
        public JobOutcome execute(Job job, JsonNode payload, Context context) {
            ChatReply reply = model.reply(new ChatRequest(modelId, null,
                    List.of(ChatMessage.user(payload.get("input").asText())), 0, 1024, null));
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
