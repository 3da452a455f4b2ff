package dev.sluice.workers.ai.batch;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.json.Json;
import dev.sluice.workers.priming.Priming;
import software.amazon.awssdk.services.bedrock.BedrockClient;
import software.amazon.awssdk.services.bedrock.model.GetModelInvocationJobResponse;

/** Where a batch's model job is ({@code GetModelInvocationJob}): its status as Bedrock writes it, and why. */
public final class PollBatchTask extends BatchTask {

    private final BedrockClient bedrock;

    public PollBatchTask() {
        this(AwsClients.fromEnvironment());
    }

    private PollBatchTask(AwsClients aws) {
        this(aws.build(BedrockClient.builder(), "BEDROCK"));
        Priming.of(PollBatchTask.class, aws).register(this);
    }

    public PollBatchTask(BedrockClient bedrock) {
        this.bedrock = bedrock;
    }

    @Override
    protected JsonNode run(JsonNode input, Context context) {
        GetModelInvocationJobResponse job = bedrock.getModelInvocationJob(b -> b.jobIdentifier(
                input.path("jobArn").asText()));
        ObjectNode status = Json.object();
        status.put("status", job.statusAsString());
        status.put("message", job.message());
        return status;
    }
}
