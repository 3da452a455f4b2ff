package dev.sluice.local.flow;

import static dev.sluice.local.flow.FlowFixture.aiRequest;
import static dev.sluice.local.flow.FlowFixture.awaitFinished;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.core.client.SluiceClient;
import dev.sluice.core.json.Json;
import dev.sluice.core.topology.Definitions;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local stack as {@code sluice up --chat openai=URL#model} runs it, against a loopback OpenAI-compatible server. */
class OpenAiChatFlowTest {

    @TempDir
    static Path state;
    static HttpServer server;
    static final List<String[]> calls = new CopyOnWriteArrayList<>();
    static FlowFixture flow;
    static SluiceClient dev;

    @BeforeAll
    static void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            calls.add(new String[] {exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath(), body});
            JsonNode messages = Json.parse(body).get("messages");
            // The user's turn (the system prompt comes first).
            String input = messages.get(messages.size() - 1).path("content").asText();
            byte[] answer = ("{\"model\":\"llama3.2:3b-q4\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                    + "\"content\":" + Json.write("Local model read: " + input) + "},\"finish_reason\":\"stop\"}],"
                    + "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":4,\"total_tokens\":13}}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        server.start();
        flow = FlowFixture.start(Definitions.bundled().topology(), state, Map.of("chatModel", "openai",
                "openAiBaseUrl", "http://127.0.0.1:" + server.getAddress().getPort(), "openAiModel", "llama3.2"));
        dev = flow.devClient();
    }

    @AfterAll
    static void stop() {
        if (dev != null) {
            dev.close();
        }
        if (flow != null) {
            flow.close();
        }
        server.stop(0);
    }

    @Test
    void anAiRequestIsAnsweredByTheUsersServerAndNamesTheModelThatAnswered() throws Exception {
        var submitted = dev.submit(aiRequest("Name a green tea."), null);
        JsonNode job = awaitFinished(dev, submitted.body().get("jobId").asText());

        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("SUCCEEDED");
        assertThat(job.at("/result/text").asText()).startsWith("Local model read: Name a green tea.");
        assertThat(job.at("/result/provider").asText()).isEqualTo("openai-compatible");
        assertThat(job.at("/result/model").asText()).isEqualTo("llama3.2:3b-q4");
        assertThat(calls).hasSize(1);
        assertThat(calls.getFirst()[0]).isEqualTo("POST /v1/chat/completions");
        assertThat(Json.parse(calls.getFirst()[1]).path("model").asText()).isEqualTo("llama3.2");
    }
}
