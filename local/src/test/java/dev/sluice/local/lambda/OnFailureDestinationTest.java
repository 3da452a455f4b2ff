package dev.sluice.local.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.json.Json;
import dev.sluice.core.topology.FunctionSpec;
import dev.sluice.core.topology.QueueSpec;
import dev.sluice.core.topology.Topology;
import dev.sluice.local.AwsIdentity;
import dev.sluice.local.LocalRuntime;
import dev.sluice.local.support.Clients;
import dev.sluice.local.support.EventHandler;
import dev.sluice.local.support.TestTopology;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * An asynchronous invocation that fails every attempt ends as Lambda's invocation record in its
 * on-failure destination.
 */
class OnFailureDestinationTest {

    private static final String FUNCTION = "always-fails";
    private static final String DESTINATION = "always-fails-destination";

    @TempDir
    Path state;

    @Test
    void anInvocationThatAlwaysFailsEndsAsOneRecordWithItsPayloadInTheDestination() throws Exception {
        String marker = UUID.randomUUID().toString();
        String payload = "{\"version\":\"0\",\"id\":\"" + marker + "\",\"detail-type\":\"Test Happened\","
                + "\"source\":\"direct\",\"account\":\"000000000000\",\"time\":\"2026-12-01T00:00:00Z\","
                + "\"region\":\"us-east-1\",\"resources\":[],\"detail\":{\"marker\":\"" + marker
                + "\",\"throw\":true}}";
        LocalRuntime.Options d = LocalRuntime.Options.defaults();
        try (LocalRuntime runtime = LocalRuntime.start(withFailingFunction(), state, new LocalRuntime.Options(
                d.identity(), d.targetBackoff(), 100, d.handlerClassLoader(), d.profileValues()));
                SqsClient sqs = Clients.sqs(runtime.endpoints())) {
            assertThat(runtime.lambda().onFailureDestination(FUNCTION)).contains(AwsIdentity.LOCAL.sqsArn(DESTINATION));

            runtime.lambda().invokeAsync(FUNCTION, payload.getBytes(StandardCharsets.UTF_8)).get(20, TimeUnit.SECONDS);

            String url = sqs.getQueueUrl(b -> b.queueName(DESTINATION)).queueUrl();
            List<Message> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() < deadline) {
                records.addAll(sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1))
                        .messages());
            }
            assertThat(records).hasSize(1);
            JsonNode record = Json.parse(records.get(0).body());
            assertThat(record.get("version").asText()).isEqualTo("1.0");
            assertThat(record.get("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
            JsonNode request = record.get("requestContext");
            assertThat(request.get("requestId").asText()).isNotBlank();
            assertThat(request.get("functionArn").asText())
                    .isEqualTo("arn:aws:lambda:us-east-1:000000000000:function:" + FUNCTION + ":$LATEST");
            assertThat(request.get("condition").asText()).isEqualTo("RetriesExhausted");
            assertThat(request.get("approximateInvokeCount").asInt()).isEqualTo(3);
            assertThat(record.get("requestPayload")).isEqualTo(Json.parse(payload));
            JsonNode response = record.get("responseContext");
            assertThat(response.get("statusCode").asInt()).isEqualTo(200);
            assertThat(response.get("executedVersion").asText()).isEqualTo("$LATEST");
            assertThat(response.get("functionError").asText()).isEqualTo("Unhandled");
            JsonNode error = record.get("responsePayload");
            assertThat(error.get("errorType").asText()).isEqualTo(IllegalStateException.class.getName());
            assertThat(error.get("errorMessage").asText()).isEqualTo("scripted to throw");
            assertThat(error.get("stackTrace").get(0).asText()).contains(EventHandler.class.getName());
            List<String> fields = new ArrayList<>();
            record.fieldNames().forEachRemaining(fields::add);
            assertThat(fields).containsExactly("version", "timestamp", "requestContext", "requestPayload",
                    "responseContext", "responsePayload");
        }
    }

    private static Topology withFailingFunction() {
        Topology t = TestTopology.create();
        List<QueueSpec> queues = new ArrayList<>(t.queues());
        queues.add(new QueueSpec(DESTINATION, 30, 3600, null));
        List<FunctionSpec> functions = new ArrayList<>(t.functions());
        functions.add(new FunctionSpec(FUNCTION, EventHandler.class.getName(), 256, 5, null)
                .withOnFailure(DESTINATION));
        return t.withQueues(queues).withFunctions(functions);
    }
}
