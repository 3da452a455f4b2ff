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

/**
 * The local stack as {@code sluice up --chat bedrock} runs it, with Bedrock at a loopback double (as
 * {@code AWS_ENDPOINT_URL_BEDROCK_RUNTIME} would name it): an ai.request job is answered by the
 * double, through the real SDK client, and the double saw the Converse call.
 */
class BedrockChatFlowTest {

    private static final String MODEL = "global.anthropic.claude-sonnet-4-5-20250929-v1%3A0";

    @TempDir
    static Path state;
    static HttpServer bedrock;
    static final List<String[]> calls = new CopyOnWriteArrayList<>();
    static FlowFixture flow;
    static SluiceClient dev;

    @BeforeAll
    static void start() throws Exception {
        bedrock = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        bedrock.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            calls.add(new String[] {exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath(),
                    exchange.getRequestHeaders().getFirst("Authorization"), body});
            String input = Json.parse(body).at("/messages/0/content/0/text").asText();
            byte[] answer = Json.write(Json.parse("""
                    {"output":{"message":{"role":"assistant","content":[{"text":""}]}},"stopReason":"end_turn",
                     "usage":{"inputTokens":11,"outputTokens":7,"totalTokens":18},"metrics":{"latencyMs":42}}"""))
                    .replace("\"text\":\"\"", "\"text\":" + Json.write("The double read: " + input))
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        bedrock.start();
        // What ChatChoice.parse("bedrock", ...) gives, less the process credentials: the double takes any key.
        flow = FlowFixture.start(Definitions.bundled().topology(), state, Map.of(
                "chatModel", "bedrock", "aiRoutes", "bedrock",
                "bedrockEndpoint", "http://127.0.0.1:" + bedrock.getAddress().getPort()));
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
        bedrock.stop(0);
    }

    @Test
    void anAiRequestIsAnsweredByBedrockThroughTheSdk() throws Exception {
        var submitted = dev.submit(aiRequest("Name a green tea."), null);
        assertThat(submitted.status()).isEqualTo(202);

        JsonNode job = awaitFinished(dev, submitted.body().get("jobId").asText());

        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("SUCCEEDED");
        assertThat(job.at("/result/text").asText()).isEqualTo("The double read: Name a green tea.");
        assertThat(job.at("/result/provider").asText()).isEqualTo("bedrock");
        assertThat(job.at("/result/generative").asBoolean()).isTrue();
        assertThat(job.at("/result/usage/inputTokens").asInt()).isEqualTo(11);
        assertThat(calls).hasSize(1);
        assertThat(calls.getFirst()[0]).isEqualTo("POST /model/" + MODEL + "/converse");
        assertThat(calls.getFirst()[1]).contains("/bedrock/aws4_request");
        // The gateway's request: the process's template (system prompt and user turn), the defaults' sampling.
        assertThat(Json.parse(calls.getFirst()[2])).isEqualTo(Json.parse("""
                {"messages":[{"role":"user","content":[{"text":"Name a green tea."}]}],
                 "system":[{"text":"You are Magic Spark, a brainstorming partner. Offer five fresh, concrete ideas as a\
                 numbered list, one or two sentences each, the boldest first. Do not explain how you came up with them.\
                 If documents are provided, build on what they say and cite them by number."}],
                 "inferenceConfig":{"maxTokens":1024,"temperature":0.2}}"""));
    }
}
