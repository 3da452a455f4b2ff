package dev.sluice.local.flow;

import static dev.sluice.local.flow.FlowFixture.awaitFinished;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.client.ApiResponse;
import dev.sluice.core.client.SluiceClient;
import dev.sluice.core.documents.DocumentIds;
import dev.sluice.core.dynamodb.Attributes;
import dev.sluice.core.json.Json;
import dev.sluice.local.support.Clients;
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
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

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

    @Test
    void aJobThatUsesDocumentsIsAnsweredFromTheTenantsChunksAndCitesThem() throws Exception {
        String sentence = "The Harbour Lantern tea room brews its oolong for exactly ninety seconds.";
        String key = "dev/ai/harbour-lantern.md";
        try (S3Client s3 = Clients.s3(flow.runtime.endpoints())) {
            s3.putObject(b -> b.bucket("sluice-documents").key(key), RequestBody.fromString("# Harbour Lantern\n\n"
                    + "A tea room by the old docks. " + sentence + " It closes on Mondays.\n\n## Menu\n\n"
                    + "Scones, a seaweed broth and three black teas.\n"));
        }
        String documentId = DocumentIds.of("sluice-documents", key);
        JsonNode row = DocumentFlowTest.await(dev, documentId, r -> r.path("status").asText().matches("READY|FAILED"));
        assertThat(row.get("status").asText()).as(row.toString()).isEqualTo("READY");

        ApiResponse submitted = dev.submit("{\"type\":\"ai.request\",\"useDocuments\":true,\"payload\":{"
                + "\"sessionId\":\"s-docs\",\"userId\":\"u-1\",\"process\":\"logicArchitect\","
                + "\"input\":\"How long does the Harbour Lantern brew its oolong?\",\"priority\":\"normal\","
                + "\"timestamp\":1795342532990}}", null);
        JsonNode job = awaitFinished(dev, submitted.body().get("jobId").asText());

        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("SUCCEEDED");
        JsonNode citations = job.at("/result/citations");
        assertThat(citations.isArray() && !citations.isEmpty()).as(job.toString()).isTrue();
        JsonNode first = citations.get(0);
        assertThat(first.get("documentId").asText()).isEqualTo(documentId);
        assertThat(first.get("key").asText()).isEqualTo(key);
        // The offline provider quotes the chunk's sentence that best matches the question, numbered as cited.
        assertThat(job.at("/result/text").asText()).contains(sentence).contains("not a generative model");
        // The citation points at a real chunk: the index holds that chunk of that document, with that sentence.
        JsonNode hits = dev.get("/v1/search?q=" + java.net.URLEncoder.encode(sentence,
                java.nio.charset.StandardCharsets.UTF_8) + "&documentId=" + documentId).body();
        assertThat(hits.get("results")).as(hits.toString()).anySatisfy(hit -> {
            assertThat(hit.get("ordinal").asInt()).isEqualTo(first.get("ordinal").asInt());
            assertThat(hit.get("text").asText()).contains(sentence);
        });
    }
}
