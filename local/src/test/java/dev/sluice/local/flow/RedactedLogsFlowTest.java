package dev.sluice.local.flow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.client.PushStream;
import dev.sluice.core.client.SluiceClient;
import dev.sluice.core.json.Json;
import dev.sluice.local.logs.LogFiles;
import dev.sluice.local.support.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the logs of a whole run hold: every line of a job carries its ids and the client's correlation
 * id, and no line (DIR/logs or the test's own target/test.log) holds an API key, a prompt, an e-mail
 * address or an e-mail body, whoever wrote it. The correlation id comes back in the response and the push.
 */
class RedactedLogsFlowTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String PROMPT = "Name three lanterns for the quokka-marmalade-5521 festival.";
    private static final String ADDRESS = "marguerite.thistlewood-8841@example.org";
    /** The e-mail's template puts it in the subject and the body. */
    private static final String NAME = "Zanzibar-Quillfeather-3307";

    @TempDir
    static Path state;
    static FlowFixture flow;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        flow = FlowFixture.start(state);
    }

    @AfterAll
    static void stop() {
        flow.close();
        http.close();
    }

    @Test
    void noLogLineHoldsTheKeyThePromptTheAddressOrTheBodyAndEveryJobLineCarriesItsIds() throws Exception {
        String apiKey = flow.runtime.endpoints().devApiKey();
        String aiJob;
        String mailJob;
        try (SluiceClient dev = flow.devClient(); PushStream pushes = dev.connect(flow.runtime.endpoints().webSocket())) {
            HttpResponse<String> ai = submit(FlowFixture.aiRequest(PROMPT), "corr-ai.7:x");
            HttpResponse<String> mail = submit("{\"type\":\"email.send\",\"payload\":{\"userId\":\"u-1\",\"to\":\""
                    + ADDRESS + "\",\"templateId\":\"welcome\",\"data\":{\"name\":\"" + NAME + "\"},"
                    + "\"priority\":\"normal\",\"timestamp\":1795342532990}}", "corr-mail-8");
            assertThat(ai.statusCode()).as(ai.body()).isEqualTo(202);
            assertThat(mail.statusCode()).as(mail.body()).isEqualTo(202);
            assertThat(ai.headers().firstValue("X-Correlation-Id")).hasValue("corr-ai.7:x");
            aiJob = Json.parse(ai.body()).get("jobId").asText();
            mailJob = Json.parse(mail.body()).get("jobId").asText();

            JsonNode aiPush = pushes.next(m -> aiJob.equals(m.path("jobId").asText()), PATIENCE);
            JsonNode mailPush = pushes.next(m -> mailJob.equals(m.path("jobId").asText()), PATIENCE);

            assertThat(aiPush.get("status").asText()).isEqualTo("SUCCEEDED");
            assertThat(aiPush.get("correlationId").asText()).isEqualTo("corr-ai.7:x");
            assertThat(mailPush.get("status").asText()).isEqualTo("SUCCEEDED");
            assertThat(mailPush.get("correlationId").asText()).isEqualTo("corr-mail-8");
            // The notifier's line comes after its push.
            Await.until("the notifier's lines", PATIENCE, () -> lines(LogFiles.file(state, "notifier")).stream()
                    .filter(l -> mailJob.equals(l.path("jobId").asText())).anyMatch(l -> l.path("message").asText()
                            .startsWith("pushed")));
        }

        assertCarriesItsIds(aiJob, "corr-ai.7:x", "api", "ai-worker", "notifier");
        assertCarriesItsIds(mailJob, "corr-mail-8", "api", "email-worker", "notifier");
        List<Path> logs = logFiles();
        assertThat(logs).contains(Path.of("target", "test.log"), LogFiles.file(state, "ai-worker"));
        for (Path log : logs) {
            String text = Files.readString(log);
            assertThat(text).as(log.toString()).isNotBlank()
                    .doesNotContain(apiKey).doesNotContain(PROMPT).doesNotContain("quokka-marmalade")
                    .doesNotContain(ADDRESS).doesNotContain(NAME);
        }
    }

    @Test
    void aCorrelationIdOfTheWrongShapeIs400NamingTheHeader() throws Exception {
        HttpResponse<String> response = submit(FlowFixture.aiRequest("hello"), "not allowed/" + "x".repeat(10));

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = Json.parse(response.body()).get("error");
        assertThat(error.get("code").asText()).isEqualTo("invalid_header");
        assertThat(error.get("field").asText()).isEqualTo("X-Correlation-Id");
        // Its own id names the refused request.
        assertThat(response.headers().firstValue("X-Correlation-Id")).isPresent().get().asString()
                .isNotEmpty().doesNotContain("not allowed");
    }

    @Test
    void withoutAHeaderTheRequestIsCorrelatedByApiGatewaysRequestId() throws Exception {
        try (SluiceClient dev = flow.devClient()) {
            var response = dev.submit(FlowFixture.analyticsEvent("editor", "open"), null);
            String correlationId = response.header("X-Correlation-Id");

            assertThat(correlationId).matches("[0-9a-f-]{36}");
            JsonNode job = FlowFixture.awaitFinished(dev, response.body().get("jobId").asText());
            assertThat(job.get("status").asText()).isEqualTo("SUCCEEDED");
        }
    }

    /** The job's lines in each function's file carry its tenant, the correlation id and the request id. */
    private static void assertCarriesItsIds(String jobId, String correlationId, String... functions) {
        for (String function : functions) {
            List<JsonNode> jobLines = lines(LogFiles.file(state, function)).stream()
                    .filter(l -> jobId.equals(l.path("jobId").asText())).toList();
            assertThat(jobLines).as(function + "'s lines of " + jobId).isNotEmpty().allSatisfy(line -> {
                assertThat(line.path("function").asText()).isEqualTo(function);
                assertThat(line.path("tenantId").asText()).isEqualTo("dev");
                assertThat(line.path("correlationId").asText()).isEqualTo(correlationId);
                assertThat(line.path("requestId").asText()).isNotBlank();
            });
        }
    }

    private static HttpResponse<String> submit(String body, String correlationId) throws Exception {
        URI jobs = flow.runtime.endpoints().api().resolve("/v1/jobs");
        return http.send(HttpRequest.newBuilder(jobs).header("Content-Type", "application/json")
                .header("x-api-key", flow.runtime.endpoints().devApiKey()).header("X-Correlation-Id", correlationId)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<Path> logFiles() throws IOException {
        try (Stream<Path> files = Files.walk(LogFiles.directory(state))) {
            return Stream.concat(files.filter(Files::isRegularFile), Stream.of(Path.of("target", "test.log")))
                    .toList();
        }
    }

    private static List<JsonNode> lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file).stream().filter(l -> l.endsWith("}"))
                    .map(Json::parse).toList() : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
