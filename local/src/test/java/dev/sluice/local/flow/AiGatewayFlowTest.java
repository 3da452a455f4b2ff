package dev.sluice.local.flow;

import static dev.sluice.local.flow.FlowFixture.awaitFinished;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.client.ApiResponse;
import dev.sluice.core.client.SluiceClient;
import dev.sluice.core.dynamodb.Attributes;
import dev.sluice.core.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ai.request jobs through the AI gateway on the real local topology: the model type from the body or
 * X-Model-Type, a pinned template version, usage on the job, the session's history in its table, a
 * missing template failing for good, and the templates API.
 */
class AiGatewayFlowTest {

    @TempDir
    static Path state;
    static FlowFixture flow;
    static SluiceClient dev;

    @BeforeAll
    static void start() throws Exception {
        flow = FlowFixture.start(state);
        dev = flow.devClient();
    }

    @AfterAll
    static void stop() {
        dev.close();
        flow.close();
    }

    private static String aiRequest(String session, String extra) {
        return "{\"type\":\"ai.request\"" + extra + ",\"payload\":{\"sessionId\":\"" + session + "\",\"userId\":\"u-1\","
                + "\"process\":\"magicSpark\",\"input\":\"Three names for a tea shop.\",\"priority\":\"normal\","
                + "\"timestamp\":1795342532990,\"templateVersion\":1,\"variables\":{\"audience\":\"students\"}}}";
    }

    private static HttpResponse<String> submitWithModelType(String body, String modelType) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        return http.send(HttpRequest.newBuilder(URI.create(flow.runtime.endpoints().api() + "/v1/jobs"))
                .header("x-api-key", flow.runtime.endpoints().devApiKey()).header("Content-Type", "application/json")
                .header("X-Model-Type", modelType).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aJobWithAModelTypeAndATemplateVersionSucceedsAndItsViewShowsUsage() throws Exception {
        HttpResponse<String> submitted = submitWithModelType(aiRequest("s-usage", ""), "haiku");
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
        String jobId = Json.parse(submitted.body()).get("jobId").asText();

        JsonNode job = awaitFinished(dev, jobId);

        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("SUCCEEDED");
        assertThat(job.at("/result/modelType").asText()).isEqualTo("haiku");
        assertThat(job.at("/result/template").asText()).isEqualTo("magicSpark@1");
        assertThat(job.at("/result/generative").asBoolean()).isFalse();
        assertThat(job.at("/result/text").asText()).contains("not a generative model", "Three names for a tea shop.");
        JsonNode usage = job.get("usage");
        assertThat(usage.get("model").asText()).isEqualTo("offline-extractive-1");
        assertThat(usage.get("provider").asText()).isEqualTo("sluice-offline");
        assertThat(usage.get("inputTokens").asInt()).isPositive();
        assertThat(usage.get("outputTokens").asInt()).isPositive();
        assertThat(usage.get("costUsd").decimalValue()).isZero();
        assertThat(usage.has("latencyMs") && usage.has("cacheReadTokens") && usage.has("cacheWriteTokens")).isTrue();
        assertThat(usage.get("cache").asText()).isEqualTo("miss");
        assertThat(usage).isEqualTo(job.at("/result/usage"));
        var session = flow.dynamoDb.query(b -> b.tableName("sluice-ai-sessions")
                .keyConditionExpression("sessionKey = :k")
                .expressionAttributeValues(Map.of(":k", Attributes.s("dev#s-usage")))).items();
        assertThat(session).singleElement().satisfies(item -> {
            assertThat(item.get("jobId").s()).isEqualTo(jobId);
            assertThat(item.get("userTurn").s()).isEqualTo("Three names for a tea shop.");
            assertThat(item).containsKey("expiresAt");
        });
    }

    @Test
    void aModelTypeHeaderThatDisagreesWithTheBodyIs400NamingModelType() throws Exception {
        HttpResponse<String> response = submitWithModelType(aiRequest("s-400", ",\"modelType\":\"opus\""), "haiku");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Json.parse(response.body()).at("/error/field").asText()).isEqualTo("modelType");
        HttpResponse<String> unknown = submitWithModelType(aiRequest("s-400", ""), "gpt-9");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(Json.parse(unknown.body()).at("/error/message").asText()).contains("gpt-9");
    }

    @Test
    void aJobNamingAMissingTemplateVersionFailsForGoodNamingIt() throws Exception {
        ApiResponse submitted = dev.submit(aiRequest("s-missing", "").replace("\"templateVersion\":1",
                "\"templateVersion\":9"), null);
        assertThat(submitted.status()).isEqualTo(202);

        JsonNode job = awaitFinished(dev, submitted.body().get("jobId").asText());

        assertThat(job.get("status").asText()).isEqualTo("FAILED");
        assertThat(job.at("/error/code").asText()).isEqualTo("template_not_found");
        assertThat(job.at("/error/retryable").asBoolean()).isFalse();
        assertThat(job.at("/error/message").asText()).contains("9", "magicSpark");
        assertThat(job.get("attempts").asInt()).isEqualTo(1);
    }

    @Test
    void theTemplatesApiShowsVersionsAndAnswers404ForWhatIsMissing() throws Exception {
        ApiResponse latest = dev.get("/v1/templates/magicSpark");
        ApiResponse first = dev.get("/v1/templates/magicSpark?version=1");

        assertThat(latest.status()).isEqualTo(200);
        assertThat(latest.body().get("versions")).isEqualTo(Json.parse("[1, 2]"));
        assertThat(latest.body().get("version").asInt()).isEqualTo(2);
        assertThat(first.body().get("version").asInt()).isEqualTo(1);
        assertThat(dev.get("/v1/templates/poetBot").status()).isEqualTo(404);
        assertThat(dev.get("/v1/templates/magicSpark?version=3").status()).isEqualTo(404);
    }
}
