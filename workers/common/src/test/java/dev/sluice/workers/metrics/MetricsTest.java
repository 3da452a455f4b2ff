package dev.sluice.workers.metrics;

import static dev.sluice.workers.support.KeptMetrics.dimensionSets;
import static dev.sluice.workers.support.KeptMetrics.directive;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.json.Json;
import dev.sluice.workers.support.KeptMetrics;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsTest {

    private final KeptMetrics kept = new KeptMetrics();
    private final Metrics metrics = kept.metrics();

    @Test
    void aFailedJobIsOneDocumentPerDimensionSetInNamespaceSluiceWithItsIdsAsProperties() {
        try (MetricsScope scope = metrics.scope()) {
            scope.property("jobId", "j-1").property("tenantId", "acme")
                    .count(Metric.JOBS_FAILED, "email.send", "retries_exhausted")
                    .put(Metric.JOB_LATENCY, 1234, "email.send");
        }

        assertThat(kept.documents()).hasSize(2);
        JsonNode failed = one(kept.withDimensions("type", "reason"));
        assertThat(directive(failed).path("Namespace").asText()).isEqualTo("Sluice");
        assertThat(metricUnits(failed)).isEqualTo(Map.of("JobsFailed", "Count"));
        assertThat(failed.path("JobsFailed").asDouble()).isEqualTo(1);
        assertThat(failed.path("type").asText()).isEqualTo("email.send");
        assertThat(failed.path("reason").asText()).isEqualTo("retries_exhausted");
        JsonNode latency = one(kept.withDimensions("type"));
        assertThat(directive(latency).path("Namespace").asText()).isEqualTo("Sluice");
        assertThat(metricUnits(latency)).isEqualTo(Map.of("JobLatency", "Milliseconds"));
        assertThat(latency.path("JobLatency").asDouble()).isEqualTo(1234);
        for (JsonNode d : kept.documents()) {
            // Ids are properties, never dimensions; the library's default dimensions are left out.
            assertThat(d.path("jobId").asText()).isEqualTo("j-1");
            assertThat(d.path("tenantId").asText()).isEqualTo("acme");
            assertThat(dimensionSets(d).get(0)).doesNotContain("jobId", "tenantId", "ServiceName", "LogGroup");
            assertThat(d.path("_aws").path("Timestamp").asLong()).isPositive();
        }
    }

    @Test
    void datapointsOfOneDimensionSetShareADocumentAndTheirValuesFormAnArray() {
        try (MetricsScope scope = metrics.scope()) {
            scope.put(Metric.QUEUE_AGE, 10, "ai-high").put(Metric.QUEUE_AGE, 25, "ai-high")
                    .put(Metric.QUEUE_AGE, 7, "email");
        }

        assertThat(kept.documents()).hasSize(2);
        JsonNode high = kept.documents().stream().filter(d -> d.path("queue").asText().equals("ai-high")).findFirst()
                .orElseThrow();
        assertThat(metricUnits(high)).isEqualTo(Map.of("QueueAge", "Milliseconds"));
        assertThat(high.path("QueueAge").isArray()).isTrue();
        assertThat(high.path("QueueAge")).extracting(JsonNode::asDouble).containsExactly(10.0, 25.0);
    }

    @Test
    void aMetricWithoutDimensionsHasAnEmptyDimensionSet() {
        try (MetricsScope scope = metrics.scope()) {
            scope.put(Metric.INGEST_CHUNKS, 12).count(Metric.DOCUMENTS_READY);
        }

        assertThat(kept.documents()).hasSize(1);
        JsonNode d = kept.documents().get(0);
        assertThat(dimensionSets(d)).containsExactly(List.of());
        assertThat(metricUnits(d)).isEqualTo(Map.of("IngestChunks", "Count", "DocumentsReady", "Count"));
        assertThat(d.path("IngestChunks").asDouble()).isEqualTo(12);
    }

    @Test
    void theMetricsOfAFailedInvocationAreWritten() {
        assertThatThrownBy(() -> {
            try (MetricsScope scope = metrics.scope()) {
                scope.count(Metric.DOCUMENTS_FAILED, "unsupported_type");
                throw new IllegalStateException("the step failed");
            }
        }).hasMessage("the step failed");

        assertThat(one(kept.withDimensions("reason")).path("DocumentsFailed").asDouble()).isEqualTo(1);
    }

    @Test
    void anEmptyDimensionValueIsWrittenAsUnknownRatherThanDropped() {
        try (MetricsScope scope = metrics.scope()) {
            scope.count(Metric.DOCUMENTS_FAILED, (String) null);
        }

        assertThat(one(kept.withDimensions("reason")).path("reason").asText()).isEqualTo("unknown");
    }

    @Test
    void aMetricGivenTheWrongNumberOfDimensionValuesIsRefused() {
        try (MetricsScope scope = metrics.scope()) {
            assertThatThrownBy(() -> scope.count(Metric.JOBS_FAILED, "email.send"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("JobsFailed takes the dimensions [type, reason], not 1 values");
        }
        assertThat(kept.documents()).isEmpty();
    }

    @Test
    void aReplayCountsTheMessagesItSentBackByQueue() {
        metrics.dlqReplayed("email-dlq", 42);

        JsonNode d = one(kept.withDimensions("queue"));
        assertThat(metricUnits(d)).isEqualTo(Map.of("DlqReplayed", "Count"));
        assertThat(d.path("DlqReplayed").asDouble()).isEqualTo(42);
        assertThat(d.path("queue").asText()).isEqualTo("email-dlq");
    }

    @Test
    void withoutAnAgentTheLambdaEnvironmentWritesOneLinePerDocumentToStdout() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try (MetricsScope scope = Metrics.from(Map.of()).scope()) {
            scope.count(Metric.JOBS_SUCCEEDED, "email.send");
        } finally {
            System.setOut(stdout);
        }

        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(1);
        JsonNode d = Json.parse(lines.get(0));
        assertThat(directive(d).path("Namespace").asText()).isEqualTo("Sluice");
        assertThat(d.path("JobsSucceeded").asDouble()).isEqualTo(1);
    }

    @Test
    void eachFunctionWritesToTheAgentItsOwnEnvironmentNames() throws Exception {
        try (ServerSocket first = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                ServerSocket second = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            try (MetricsScope scope = Metrics.from(agent(first, "email-worker")).scope()) {
                scope.count(Metric.JOBS_SUCCEEDED, "email.send");
            }
            try (MetricsScope scope = Metrics.from(agent(second, "ai-worker")).scope()) {
                scope.count(Metric.JOBS_SUCCEEDED, "ai.request");
            }

            JsonNode atFirst = firstLine(first);
            JsonNode atSecond = firstLine(second);
            assertThat(atFirst.path("type").asText()).isEqualTo("email.send");
            assertThat(atFirst.path("_aws").path("LogGroupName").asText()).isEqualTo("/aws/lambda/email-worker");
            assertThat(atSecond.path("type").asText()).isEqualTo("ai.request");
            assertThat(atSecond.path("_aws").path("LogGroupName").asText()).isEqualTo("/aws/lambda/ai-worker");
        }
    }

    @Test
    void anEnvironmentOtherThanLambdaOrAgentIsRefusedNamingTheVariable() {
        assertThatThrownBy(() -> Metrics.from(Map.of("AWS_EMF_ENVIRONMENT", "EC2")))
                .hasMessage("AWS_EMF_ENVIRONMENT must be Lambda or Agent, not \"EC2\"");
        assertThatThrownBy(() -> Metrics.from(Map.of("AWS_EMF_ENVIRONMENT", "Agent")))
                .hasMessage("AWS_EMF_ENVIRONMENT is Agent but AWS_EMF_AGENT_ENDPOINT is not set");
    }

    private static Map<String, String> agent(ServerSocket server, String function) {
        return Map.of("AWS_EMF_ENVIRONMENT", "Agent",
                "AWS_EMF_AGENT_ENDPOINT", "tcp://127.0.0.1:" + server.getLocalPort(),
                "AWS_LAMBDA_FUNCTION_NAME", function);
    }

    private static JsonNode firstLine(ServerSocket server) throws Exception {
        server.setSoTimeout(10_000);
        try (Socket s = server.accept();
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                        StandardCharsets.UTF_8))) {
            return Json.parse(in.readLine());
        }
    }

    private static JsonNode one(List<JsonNode> documents) {
        assertThat(documents).hasSize(1);
        return documents.get(0);
    }

    private static Map<String, String> metricUnits(JsonNode document) {
        Map<String, String> units = new java.util.TreeMap<>();
        directive(document).path("Metrics").forEach(m -> units.put(m.path("Name").asText(), m.path("Unit").asText()));
        return units;
    }
}
