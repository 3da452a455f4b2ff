package dev.sluice.local.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.ai.ChatMessage;
import dev.sluice.core.ai.ChatModel;
import dev.sluice.core.ai.ChatReply;
import dev.sluice.core.ai.ChatRequest;
import dev.sluice.core.ai.TokenUsage;
import dev.sluice.core.json.Json;
import dev.sluice.core.topology.BucketSpec;
import dev.sluice.local.AwsIdentity;
import dev.sluice.local.LocalRuntime;
import dev.sluice.local.s3.LocalS3;
import dev.sluice.local.support.Await;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrock.BedrockClient;
import software.amazon.awssdk.services.bedrock.model.CreateModelInvocationJobRequest;
import software.amazon.awssdk.services.bedrock.model.GetModelInvocationJobResponse;
import software.amazon.awssdk.services.bedrock.model.ModelInvocationJobStatus;
import software.amazon.awssdk.services.bedrock.model.ModelInvocationType;
import software.amazon.awssdk.services.bedrock.model.ResourceNotFoundException;
import software.amazon.awssdk.services.bedrock.model.S3InputFormat;
import software.amazon.awssdk.services.bedrock.model.ValidationException;
import software.amazon.awssdk.services.s3.S3Client;

/** The local batch inference endpoint as the stock Bedrock control-plane client sees it. */
class LocalBatchInferenceTest {

    private static final String BUCKET = "sluice-payloads";

    @TempDir
    Path dataDir;
    LocalS3 s3;
    S3Client s3Client;
    LocalBatchInference service;
    BedrockClient bedrock;
    final List<ChatRequest> asked = new CopyOnWriteArrayList<>();

    /** Answers "echo: <input>" and records what it was asked. */
    final ChatModel model = request -> {
        asked.add(request);
        return new ChatReply("echo: " + request.input(), "test", request.modelId(), false, new TokenUsage(7, 3, 0, 0),
                "end_turn", null, 12);
    };

    @BeforeEach
    void start() throws Exception {
        s3 = LocalS3.start(dataDir, List.of(new BucketSpec(BUCKET, false)), "000000000000",
                (bus, source, detailType, detail, resources) -> { }, LocalRuntime.CREDENTIALS);
        s3Client = S3Client.builder().endpointOverride(s3.endpoint()).forcePathStyle(true).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(LocalRuntime.CREDENTIALS)).build();
        service = LocalBatchInference.start(s3Client, model, AwsIdentity.LOCAL, Clock.systemUTC());
        bedrock = BedrockClient.builder().endpointOverride(service.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(LocalRuntime.CREDENTIALS)).build();
    }

    @AfterEach
    void stop() {
        bedrock.close();
        service.close();
        s3Client.close();
        s3.close();
    }

    private CreateModelInvocationJobRequest create(String token) {
        return CreateModelInvocationJobRequest.builder().jobName("batch-1").clientRequestToken(token)
                .roleArn("arn:aws:iam::000000000000:role/batch").modelId("anthropic.claude-3-haiku-20240307-v1:0")
                .modelInvocationType(ModelInvocationType.CONVERSE)
                .inputDataConfig(i -> i.s3InputDataConfig(s -> s.s3Uri("s3://" + BUCKET + "/batch/b1/input.jsonl")
                        .s3InputFormat(S3InputFormat.JSONL)))
                .outputDataConfig(o -> o.s3OutputDataConfig(s -> s.s3Uri("s3://" + BUCKET + "/batch/b1/output/")))
                .timeoutDurationInHours(24).build();
    }

    @Test
    void aJobAnswersEachConverseRecordThroughTheChatModelAndWritesBedrocksOutput() throws Exception {
        s3Client.putObject(b -> b.bucket(BUCKET).key("batch/b1/input.jsonl"), RequestBody.fromString(
                "{\"recordId\":\"job-1\",\"modelInput\":{\"system\":[{\"text\":\"Be brief.\"}],\"messages\":[{\"role\":"
                        + "\"user\",\"content\":[{\"text\":\"Name a river.\"}]}],\"inferenceConfig\":{\"maxTokens\":64,"
                        + "\"temperature\":0.2}}}\n"
                        + "{\"recordId\":\"job-2\",\"modelInput\":{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":"
                        + "\"Name a lake.\"}]}]}}\n"));

        String arn = bedrock.createModelInvocationJob(create("token-1")).jobArn();

        assertThat(arn).matches("arn:aws:bedrock:us-east-1:000000000000:model-invocation-job/[a-z0-9]{12}");
        Await.until("the job to end", () -> bedrock.getModelInvocationJob(b -> b.jobIdentifier(arn)).status()
                == ModelInvocationJobStatus.COMPLETED);
        GetModelInvocationJobResponse job = bedrock.getModelInvocationJob(b -> b.jobIdentifier(arn));
        assertThat(job.jobName()).isEqualTo("batch-1");
        assertThat(job.modelInvocationType()).isEqualTo(ModelInvocationType.CONVERSE);
        assertThat(job.submitTime()).isNotNull();
        assertThat(job.endTime()).isAfterOrEqualTo(job.submitTime());
        assertThat(job.inputDataConfig().s3InputDataConfig().s3Uri()).isEqualTo("s3://" + BUCKET + "/batch/b1/input.jsonl");

        assertThat(asked).hasSize(2);
        ChatRequest first = asked.get(0);
        assertThat(first.modelId()).isEqualTo("anthropic.claude-3-haiku-20240307-v1:0");
        assertThat(first.system()).isEqualTo("Be brief.");
        assertThat(first.messages()).containsExactly(ChatMessage.user("Name a river."));
        assertThat(first.maxTokens()).isEqualTo(64);
        assertThat(first.temperature()).isEqualTo(0.2);

        String jobId = arn.substring(arn.lastIndexOf('/') + 1);
        List<JsonNode> lines = s3Client.getObjectAsBytes(b -> b.bucket(BUCKET)
                .key("batch/b1/output/" + jobId + "/input.jsonl.out")).asUtf8String().lines().map(Json::parse).toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0).get("recordId").asText()).isEqualTo("job-1");
        assertThat(lines.get(0).at("/modelInput/messages/0/content/0/text").asText()).isEqualTo("Name a river.");
        assertThat(lines.get(0).at("/modelOutput/output/message/content/0/text").asText()).isEqualTo("echo: Name a river.");
        assertThat(lines.get(0).at("/modelOutput/usage/inputTokens").asInt()).isEqualTo(7);
        assertThat(lines.get(0).at("/modelOutput/usage/outputTokens").asInt()).isEqualTo(3);
        assertThat(lines.get(0).at("/modelOutput/stopReason").asText()).isEqualTo("end_turn");
        JsonNode manifest = Json.parse(s3Client.getObjectAsBytes(b -> b.bucket(BUCKET)
                .key("batch/b1/output/" + jobId + "/manifest.json.out")).asUtf8String());
        assertThat(manifest.get("successRecordCount").asInt()).isEqualTo(2);
        assertThat(manifest.get("errorRecordCount").asInt()).isZero();
    }

    @Test
    void theSameClientRequestTokenMakesNoSecondJob() {
        String first = bedrock.createModelInvocationJob(create("token-2")).jobArn();

        assertThat(bedrock.createModelInvocationJob(create("token-2")).jobArn()).isEqualTo(first);
        assertThat(bedrock.createModelInvocationJob(create("token-3")).jobArn()).isNotEqualTo(first);
    }

    @Test
    void aMissingInputFailsTheJobSayingSo() throws Exception {
        String arn = bedrock.createModelInvocationJob(create("token-4")).jobArn();

        Await.until("the job to end", () -> bedrock.getModelInvocationJob(b -> b.jobIdentifier(arn)).status()
                == ModelInvocationJobStatus.FAILED);
        assertThat(bedrock.getModelInvocationJob(b -> b.jobIdentifier(arn)).message()).contains("does not exist");
    }

    @Test
    void refusalsComeBackAsBedrocksExceptions() {
        assertThatThrownBy(() -> bedrock.getModelInvocationJob(b -> b.jobIdentifier("abcdef012345")))
                .isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> bedrock.createModelInvocationJob(create("token-5").toBuilder().roleArn(null).build()))
                .isInstanceOf(ValidationException.class).hasMessageContaining("roleArn");
    }
}
