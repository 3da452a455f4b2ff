package dev.sluice.workers.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.json.Json;
import dev.sluice.core.topology.Definitions;
import dev.sluice.workers.logging.JsonLog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobWorkerTest {

    private final ByteArrayOutputStream logs = new ByteArrayOutputStream();
    private final JobWorker worker = new JobWorker(Definitions.bundled().schemas(),
            new JsonLog(new PrintStream(logs, true, StandardCharsets.UTF_8)));

    @Test
    void reportsOnlyTheInvalidMessagesAsBatchItemFailures() throws Exception {
        SQSBatchResponse response = worker.handleRequest(fixture("events/sqs-job-submitted.json"), new TestContext());

        assertThat(response.getBatchItemFailures()).extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly("2e1424d4-f796-459a-8184-9c92662be6da", "3f2535e5-0807-46ab-9295-ad03773cf7eb");
    }

    @Test
    void logsOneJsonLinePerMessageNamingJobAndTenant() throws Exception {
        worker.handleRequest(fixture("events/sqs-job-submitted.json"), new TestContext());

        List<JsonNode> lines = logs.toString(StandardCharsets.UTF_8).lines().map(Json::parse).toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0).get("message").asText()).isEqualTo("job received");
        assertThat(lines.get(0).get("jobId").asText()).isEqualTo("job_01JDB6Z2N6W6Q3HVV6TQ3KQ0AC");
        assertThat(lines.get(0).get("tenantId").asText()).isEqualTo("acme");
        assertThat(lines.get(0).get("function").asText()).isEqualTo("analytics-worker");
        assertThat(lines.get(1).get("level").asText()).isEqualTo("ERROR");
        assertThat(lines.get(1).get("problem").asText()).startsWith("detail.payload.interactionType");
        assertThat(lines.get(2).get("problem").asText()).isEqualTo("body is not JSON");
        // Payload bodies never reach the logs.
        assertThat(logs.toString(StandardCharsets.UTF_8)).doesNotContain("style-master");
    }

    /** Reads a Lambda SQS event fixture into the aws-lambda-java-events type, field by field. */
    private static SQSEvent fixture(String resource) throws Exception {
        JsonNode node;
        try (var in = JobWorkerTest.class.getClassLoader().getResourceAsStream(resource)) {
            node = Json.MAPPER.readTree(in);
        }
        List<SQSEvent.SQSMessage> messages = new ArrayList<>();
        for (JsonNode r : node.get("Records")) {
            SQSEvent.SQSMessage m = new SQSEvent.SQSMessage();
            m.setMessageId(r.get("messageId").asText());
            m.setReceiptHandle(r.get("receiptHandle").asText());
            m.setBody(r.get("body").asText());
            Map<String, String> attributes = new HashMap<>();
            r.get("attributes").properties().forEach(e -> attributes.put(e.getKey(), e.getValue().asText()));
            m.setAttributes(attributes);
            m.setEventSource(r.get("eventSource").asText());
            m.setEventSourceArn(r.get("eventSourceARN").asText());
            m.setAwsRegion(r.get("awsRegion").asText());
            messages.add(m);
        }
        SQSEvent event = new SQSEvent();
        event.setRecords(messages);
        return event;
    }

    private static final class TestContext implements Context {
        @Override public String getAwsRequestId() { return "req-1"; }
        @Override public String getLogGroupName() { return "/aws/lambda/analytics-worker"; }
        @Override public String getLogStreamName() { return "test"; }
        @Override public String getFunctionName() { return "analytics-worker"; }
        @Override public String getFunctionVersion() { return "$LATEST"; }
        @Override public String getInvokedFunctionArn() { return "arn:aws:lambda:us-east-1:000000000000:function:analytics-worker"; }
        @Override public CognitoIdentity getIdentity() { return null; }
        @Override public ClientContext getClientContext() { return null; }
        @Override public int getRemainingTimeInMillis() { return 8000; }
        @Override public int getMemoryLimitInMB() { return 512; }
        @Override public LambdaLogger getLogger() { return null; }
    }
}
