package dev.sluice.workers.ai.batch;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.json.Json;
import dev.sluice.workers.priming.Priming;
import software.amazon.awssdk.services.bedrock.BedrockClient;
import software.amazon.awssdk.services.bedrock.model.ModelInvocationType;
import software.amazon.awssdk.services.bedrock.model.S3InputFormat;

/**
 * Submits a batch to Bedrock batch inference ({@code CreateModelInvocationJob}, Converse records):
 * input and output in the payloads bucket under the batch's prefix, run with the batch service role.
 * The batch id is the client request token, so a retried submission makes no second job.
 */
public final class SubmitBatchTask extends BatchTask {

    private final BedrockClient bedrock;
    private final String roleArn;

    public SubmitBatchTask() {
        this(AwsClients.fromEnvironment());
    }

    private SubmitBatchTask(AwsClients aws) {
        this(aws.build(BedrockClient.builder(), "BEDROCK"), BatchSettings.BATCH_ROLE_ARN.from(aws));
        Priming.of(SubmitBatchTask.class, aws).register(this);
    }

    public SubmitBatchTask(BedrockClient bedrock, String roleArn) {
        this.bedrock = bedrock;
        this.roleArn = roleArn;
    }

    @Override
    protected JsonNode run(JsonNode input, Context context) {
        BatchRun run = run(input);
        String jobArn = bedrock.createModelInvocationJob(b -> b.jobName(run.batchId())
                .clientRequestToken(run.batchId()).roleArn(roleArn).modelId(run.modelId())
                .modelInvocationType(ModelInvocationType.CONVERSE)
                .inputDataConfig(i -> i.s3InputDataConfig(s -> s.s3Uri(run.inputUri()).s3InputFormat(S3InputFormat.JSONL)))
                .outputDataConfig(o -> o.s3OutputDataConfig(s -> s.s3Uri(run.outputUri())))
                .timeoutDurationInHours(run.timeoutHours())).jobArn();
        return Json.object().put("jobArn", jobArn);
    }
}
