package dev.sluice.workers.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.core.ai.ChatMessage;
import dev.sluice.core.ai.ChatReply;
import dev.sluice.core.ai.ChatRequest;
import dev.sluice.core.ai.DeltaSink;
import dev.sluice.core.ai.ModelFailure;
import dev.sluice.core.ai.ModelFailure.Kind;
import dev.sluice.core.ai.TokenUsage;
import dev.sluice.core.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The OpenAI-compatible adapter against a loopback server that answers as such servers do. */
class OpenAiCompatibleChatModelTest {

    private final List<String[]> requests = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
    private HttpServer server;
    private ExecutorService serverThreads;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(new String[] {exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath(),
                    exchange.getRequestHeaders().getFirst("Content-Type"), body});
            Answer answer = answers.poll();
            try {
                answer.write(exchange);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                exchange.close();
            }
        });
        serverThreads = Executors.newCachedThreadPool();
        server.setExecutor(serverThreads);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        serverThreads.shutdownNow();
    }

    private OpenAiCompatibleChatModel model(Duration timeout) {
        // A base URL with a trailing slash: the path is still /v1/chat/completions.
        return new OpenAiCompatibleChatModel(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"),
                HttpClient.newHttpClient(), timeout, null);
    }

    private OpenAiCompatibleChatModel model() {
        return model(Duration.ofSeconds(10));
    }

    private static final ChatRequest REQUEST = new ChatRequest("qwen2.5", "Be brief.",
            List.of(ChatMessage.user("Hi"), ChatMessage.assistant("Hello"), ChatMessage.user("Name a tea")), 0.5, 64,
            null);
    private static final String BODY = """
            {"model":"qwen2.5","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"},
             {"role":"assistant","content":"Hello"},{"role":"user","content":"Name a tea"}],
             "temperature":0.5,"max_tokens":64""";

    @Test
    void postsTheChatCompletionAndReadsTheServersModelAndUsage() {
        answers.add(Answer.json(200, """
                {"id":"c-1","object":"chat.completion","model":"qwen2.5-7b-instruct-q4",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"Sencha."},"finish_reason":"length"}],
                 "usage":{"prompt_tokens":40,"completion_tokens":3,"total_tokens":43,
                          "prompt_tokens_details":{"cached_tokens":32}}}"""));

        ChatReply reply = model().reply(REQUEST);

        assertThat(requests).hasSize(1);
        assertThat(requests.getFirst()[0]).isEqualTo("POST /v1/chat/completions");
        assertThat(requests.getFirst()[1]).isEqualTo("application/json");
        assertThat(Json.parse(requests.getFirst()[2])).isEqualTo(Json.parse(BODY + "}"));
        assertThat(reply.text()).isEqualTo("Sencha.");
        assertThat(reply.provider()).isEqualTo("openai-compatible");
        assertThat(reply.model()).isEqualTo("qwen2.5-7b-instruct-q4");
        assertThat(reply.generative()).isTrue();
        assertThat(reply.usage()).isEqualTo(new TokenUsage(8, 3, 32, 0));
        assertThat(reply.stopReason()).isEqualTo("max_tokens");
    }

    @Test
    void streamsDeltasInOrderWithTheUsageOfTheLastChunk() {
        answers.add(Answer.sse(List.of(
                "{\"model\":\"llama-3.2-3b\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}",
                "{\"model\":\"llama-3.2-3b\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Gyo\"}}]}",
                "{\"model\":\"llama-3.2-3b\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"kuro\"}}]}",
                "{\"model\":\"llama-3.2-3b\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}",
                "{\"model\":\"llama-3.2-3b\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":2,"
                        + "\"total_tokens\":14}}",
                "[DONE]"), true));
        List<String> deltas = new ArrayList<>();

        ChatReply reply = model().stream(REQUEST, sink(deltas));

        assertThat(Json.parse(requests.getFirst()[2])).isEqualTo(Json.parse(BODY
                + ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}"));
        assertThat(deltas).containsExactly("Gyo", "kuro");
        assertThat(reply.text()).isEqualTo("Gyokuro");
        assertThat(reply.model()).isEqualTo("llama-3.2-3b");
        assertThat(reply.usage()).isEqualTo(new TokenUsage(12, 2, 0, 0));
        assertThat(reply.stopReason()).isEqualTo("end_turn");
    }

    @Test
    void aStreamThatEndsWithoutDoneIsBroken() {
        answers.add(Answer.sse(List.of(
                "{\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Half\"}}]}"), false));
        List<String> deltas = new ArrayList<>();
        assertThatThrownBy(() -> model().stream(REQUEST, sink(deltas)))
                .isInstanceOfSatisfying(ModelFailure.class, e -> assertThat(e.kind()).isEqualTo(Kind.STREAM_BROKEN));
        assertThat(deltas).containsExactly("Half");
    }

    @Test
    void anErrorEventMidStreamIsABrokenStream() {
        answers.add(Answer.sse(List.of(
                "{\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Half\"}}]}",
                "{\"error\":{\"message\":\"the model crashed\",\"type\":\"server_error\"}}"), false));
        assertThatThrownBy(() -> model().stream(REQUEST, DeltaSink.NONE))
                .isInstanceOfSatisfying(ModelFailure.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.STREAM_BROKEN);
                    assertThat(e.retryable()).isTrue();
                })
                .hasMessageContaining("the model crashed");
    }

    @ParameterizedTest
    @CsvSource({"429, THROTTLED", "408, TIMEOUT", "500, UNAVAILABLE", "503, UNAVAILABLE", "400, INVALID_REQUEST",
            "422, INVALID_REQUEST", "401, ACCESS_DENIED", "403, ACCESS_DENIED", "404, NOT_FOUND"})
    void classifiesEachStatusWholeAndStreamed(int status, Kind kind) {
        answers.add(Answer.json(status, "{\"error\":{\"message\":\"refused by the test\",\"type\":\"x\"}}"));
        assertThatThrownBy(() -> model().reply(REQUEST))
                .isInstanceOfSatisfying(ModelFailure.class, e -> {
                    assertThat(e.kind()).isEqualTo(kind);
                    assertThat(e.retryable()).isEqualTo(kind.retryable());
                })
                .hasMessageContaining(status + " from ").hasMessageContaining("refused by the test");
        answers.add(Answer.json(status, "{\"error\":{\"message\":\"refused by the test\",\"type\":\"x\"}}"));
        assertThatThrownBy(() -> model().stream(REQUEST, DeltaSink.NONE))
                .isInstanceOfSatisfying(ModelFailure.class, e -> assertThat(e.kind()).isEqualTo(kind));
    }

    @Test
    void throttlingCarriesRetryAfter() {
        answers.add(exchange -> {
            exchange.getResponseHeaders().add("Retry-After", "4");
            Answer.json(429, "{\"error\":{\"message\":\"busy\"}}").write(exchange);
        });
        assertThatThrownBy(() -> model().reply(REQUEST))
                .isInstanceOfSatisfying(ModelFailure.class, e -> assertThat(e.retryAfter()).contains(Duration.ofSeconds(4)));
    }

    @Test
    void aServerThatDoesNotAnswerInTimeIsATimeout() {
        answers.add(exchange -> {
            Thread.sleep(2_000);
            Answer.json(200, "{}").write(exchange);
        });
        assertThatThrownBy(() -> model(Duration.ofMillis(200)).reply(REQUEST))
                .isInstanceOfSatisfying(ModelFailure.class, e -> assertThat(e.kind()).isEqualTo(Kind.TIMEOUT));
    }

    @Test
    void anUnreachableServerIsUnavailable() throws IOException {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        OpenAiCompatibleChatModel model = new OpenAiCompatibleChatModel(URI.create("http://127.0.0.1:" + closedPort),
                HttpClient.newHttpClient(), Duration.ofSeconds(2), null);
        assertThatThrownBy(() -> model.reply(REQUEST))
                .isInstanceOfSatisfying(ModelFailure.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE));
    }

    private static DeltaSink sink(List<String> deltas) {
        return new DeltaSink() {
            @Override
            public void accept(String text) {
                deltas.add(text);
            }

            @Override
            public void reset(String reason) {
                deltas.clear();
            }
        };
    }

    @FunctionalInterface
    private interface Answer {

        void write(HttpExchange exchange) throws IOException, InterruptedException;

        static Answer json(int status, String body) {
            return exchange -> {
                byte[] out = body.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(status, out.length);
                try (OutputStream response = exchange.getResponseBody()) {
                    response.write(out);
                }
            };
        }

        /** Server-sent events, one {@code data:} each; {@code complete} false cuts the connection after the last. */
        static Answer sse(List<String> data, boolean complete) {
            return exchange -> {
                exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
                exchange.sendResponseHeaders(200, 0);
                OutputStream out = exchange.getResponseBody();
                out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
                for (String d : data) {
                    out.write(("data: " + d + "\n\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
                if (complete) {
                    out.close();
                }
            };
        }
    }
}
