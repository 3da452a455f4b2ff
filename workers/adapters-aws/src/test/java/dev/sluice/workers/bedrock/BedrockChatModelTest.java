package dev.sluice.workers.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.core.ai.ChatMessage;
import dev.sluice.core.ai.ChatReply;
import dev.sluice.core.ai.ChatRequest;
import dev.sluice.core.ai.DeltaSink;
import dev.sluice.core.ai.Guardrail;
import dev.sluice.core.ai.ModelFailure;
import dev.sluice.core.ai.ModelFailure.Kind;
import dev.sluice.core.ai.TokenUsage;
import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.eventstream.HeaderValue;
import software.amazon.awssdk.eventstream.Message;

/**
 * The Bedrock chat model against a loopback double of Bedrock Runtime, through the real SDK clients:
 * the exact requests on the wire, the event stream framed (with its CRCs) by the event-stream
 * library the SDK itself decodes with, and each error as Bedrock sends it.
 */
class BedrockChatModelTest {

    private static final String MODEL = "us.anthropic.claude-haiku-4-5-20251001-v1:0";
    private static final String ENCODED = "us.anthropic.claude-haiku-4-5-20251001-v1%3A0";

    private final List<Recorded> requests = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
    private HttpServer server;
    private ExecutorService serverThreads;
    private BedrockRuntimeClient sync;
    private BedrockRuntimeAsyncClient async;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            requests.add(new Recorded(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    exchange.getRequestHeaders().getFirst("Content-Type"), new String(body, StandardCharsets.UTF_8),
                    exchange.getRequestHeaders().getFirst("Authorization")));
            Answer answer = answers.poll();
            if (answer == null) {
                exchange.sendResponseHeaders(500, -1);
                exchange.close();
                return;
            }
            answer.write(exchange);
        });
        serverThreads = Executors.newCachedThreadPool();
        server.setExecutor(serverThreads);
        server.start();
        AwsClients aws = new AwsClients(Map.of("AWS_REGION", "us-east-1", "AWS_ACCESS_KEY_ID", "AKIDTEST",
                "AWS_SECRET_ACCESS_KEY", "secret", "AWS_ENDPOINT_URL_BEDROCK_RUNTIME",
                "http://127.0.0.1:" + server.getAddress().getPort()));
        sync = BedrockChatClients.sync(aws);
        async = BedrockChatClients.async(aws);
    }

    @AfterEach
    void stop() {
        sync.close();
        async.close();
        server.stop(0);
        serverThreads.shutdownNow();
    }

    private BedrockChatModel model() {
        return new BedrockChatModel(sync, () -> async);
    }

    private static ChatRequest request(Guardrail guardrail) {
        return new ChatRequest(MODEL, "Be brief.", List.of(ChatMessage.user("Hi"), ChatMessage.assistant("Hello"),
                ChatMessage.user("Name a tea")), 0.2, 256, guardrail);
    }

    private static final String REQUEST_BODY = """
            {"messages":[{"role":"user","content":[{"text":"Hi"}]},
                         {"role":"assistant","content":[{"text":"Hello"}]},
                         {"role":"user","content":[{"text":"Name a tea"}]}],
             "system":[{"text":"Be brief."}],
             "inferenceConfig":{"maxTokens":256,"temperature":0.2}""";

    @Test
    void conversesWithTheExactRequestAndReadsTheReply() {
        answers.add(Answer.json(200, """
                {"output":{"message":{"role":"assistant","content":[{"text":"Sencha"},{"text":", green."}]}},
                 "stopReason":"end_turn",
                 "usage":{"inputTokens":21,"outputTokens":4,"totalTokens":140,
                          "cacheReadInputTokens":100,"cacheWriteInputTokens":15},
                 "metrics":{"latencyMs":321}}"""));

        ChatReply reply = model().reply(request(null));

        assertThat(requests).hasSize(1);
        Recorded sent = requests.getFirst();
        assertThat(sent.method()).isEqualTo("POST");
        assertThat(sent.rawPath()).isEqualTo("/model/" + ENCODED + "/converse");
        assertThat(sent.contentType()).isEqualTo("application/json");
        assertThat(Json.parse(sent.body())).isEqualTo(Json.parse(REQUEST_BODY + "}"));

        assertThat(reply).isEqualTo(new ChatReply("Sencha, green.", "bedrock", MODEL, true,
                new TokenUsage(21, 4, 100, 15), "end_turn", null, 321));
    }

    @Test
    void sendsTheGuardrailAndRecordsItsIntervention() {
        answers.add(Answer.json(200, """
                {"output":{"message":{"role":"assistant","content":[{"text":"Sorry, I cannot help with that."}]}},
                 "stopReason":"guardrail_intervened",
                 "usage":{"inputTokens":9,"outputTokens":0,"totalTokens":9},
                 "metrics":{"latencyMs":80},
                 "trace":{"guardrail":{
                   "inputAssessment":{"gr-1":{
                     "contentPolicy":{"filters":[
                        {"type":"HATE","confidence":"HIGH","filterStrength":"HIGH","action":"BLOCKED","detected":true},
                        {"type":"INSULTS","confidence":"LOW","filterStrength":"LOW","action":"NONE","detected":false}]},
                     "topicPolicy":{"topics":[{"name":"Investment advice","type":"DENY","action":"BLOCKED"}]}}},
                   "outputAssessments":{"gr-1":[{
                     "sensitiveInformationPolicy":{"piiEntities":[
                        {"match":"a@b.example","type":"EMAIL","action":"ANONYMIZED"}]}}]}}}}"""));

        ChatReply reply = model().reply(request(new Guardrail("gr-1", "3")));

        assertThat(Json.parse(requests.getFirst().body())).isEqualTo(Json.parse(REQUEST_BODY
                + ",\"guardrailConfig\":{\"guardrailIdentifier\":\"gr-1\",\"guardrailVersion\":\"3\","
                + "\"trace\":\"enabled\"}}"));
        assertThat(reply.stopReason()).isEqualTo("guardrail_intervened");
        assertThat(reply.intervention()).isEqualTo(new ChatReply.GuardrailIntervention("gr-1",
                List.of("contentPolicy:HATE", "topicPolicy:Investment advice", "sensitiveInformationPolicy:EMAIL")));
    }

    @Test
    void streamsDeltasInOrderWithTheMetadataUsage() {
        answers.add(Answer.stream(List.of(
                Frame.event("messageStart", "{\"role\":\"assistant\",\"p\":\"abcd\"}"),
                Frame.event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Gyo\"},\"p\":\"ab\"}"),
                Frame.event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"kuro\"},\"p\":\"a\"}"),
                Frame.event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\", shaded.\"},\"p\":\"\"}"),
                Frame.event("contentBlockStop", "{\"contentBlockIndex\":0,\"p\":\"abc\"}"),
                Frame.event("messageStop", "{\"stopReason\":\"max_tokens\",\"p\":\"ab\"}"),
                Frame.event("metadata", "{\"usage\":{\"inputTokens\":30,\"outputTokens\":6,\"totalTokens\":536,"
                        + "\"cacheReadInputTokens\":0,\"cacheWriteInputTokens\":500},\"metrics\":{\"latencyMs\":654},"
                        + "\"p\":\"abcdef\"}"))));
        List<String> deltas = new ArrayList<>();

        ChatReply reply = model().stream(request(new Guardrail("gr-1", "DRAFT")), sink(deltas));

        Recorded sent = requests.getFirst();
        assertThat(sent.rawPath()).isEqualTo("/model/" + ENCODED + "/converse-stream");
        assertThat(Json.parse(sent.body())).isEqualTo(Json.parse(REQUEST_BODY
                + ",\"guardrailConfig\":{\"guardrailIdentifier\":\"gr-1\",\"guardrailVersion\":\"DRAFT\","
                + "\"trace\":\"enabled\"}}"));
        assertThat(deltas).containsExactly("Gyo", "kuro", ", shaded.");
        assertThat(reply).isEqualTo(new ChatReply("Gyokuro, shaded.", "bedrock", MODEL, true,
                new TokenUsage(30, 6, 0, 500), "max_tokens", null, 654));
    }

    @Test
    void aStreamedGuardrailInterventionIsReadFromTheMetadataTrace() {
        answers.add(Answer.stream(List.of(
                Frame.event("messageStart", "{\"role\":\"assistant\"}"),
                Frame.event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Blocked.\"}}"),
                Frame.event("contentBlockStop", "{\"contentBlockIndex\":0}"),
                Frame.event("messageStop", "{\"stopReason\":\"guardrail_intervened\"}"),
                Frame.event("metadata", "{\"usage\":{\"inputTokens\":5,\"outputTokens\":0,\"totalTokens\":5},"
                        + "\"metrics\":{\"latencyMs\":12},\"trace\":{\"guardrail\":{\"inputAssessment\":{\"gr-2\":"
                        + "{\"wordPolicy\":{\"managedWordLists\":[{\"match\":\"x\",\"type\":\"PROFANITY\","
                        + "\"action\":\"BLOCKED\"}]}}}}}}"))));

        ChatReply reply = model().stream(request(new Guardrail("gr-2", "1")), DeltaSink.NONE);

        assertThat(reply.stopReason()).isEqualTo("guardrail_intervened");
        assertThat(reply.intervention()).isEqualTo(new ChatReply.GuardrailIntervention("gr-2",
                List.of("wordPolicy:PROFANITY")));
        assertThat(reply.usage()).isEqualTo(new TokenUsage(5, 0, 0, 0));
    }

    @Test
    void anExceptionFrameMidStreamIsABrokenStream() {
        answers.add(Answer.stream(List.of(
                Frame.event("messageStart", "{\"role\":\"assistant\"}"),
                Frame.event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Half\"}}"),
                Frame.exception("modelStreamErrorException", "{\"message\":\"the model stopped\","
                        + "\"originalStatusCode\":500,\"originalMessage\":\"boom\"}"))));
        List<String> deltas = new ArrayList<>();

        assertThatThrownBy(() -> model().stream(request(null), sink(deltas)))
                .isInstanceOfSatisfying(ModelFailure.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.STREAM_BROKEN);
                    assertThat(e.retryable()).isTrue();
                })
                .hasMessageContaining("ModelStreamErrorException")
                .hasMessageContaining("the model stopped");
        assertThat(deltas).containsExactly("Half");
    }

    @Test
    void aThrottlingFrameMidStreamIsABrokenStreamToo() {
        answers.add(Answer.stream(List.of(
                Frame.event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"One\"}}"),
                Frame.exception("throttlingException", "{\"message\":\"slow down\"}"))));

        assertThatThrownBy(() -> model().stream(request(null), DeltaSink.NONE))
                .isInstanceOfSatisfying(ModelFailure.class, e -> assertThat(e.kind()).isEqualTo(Kind.STREAM_BROKEN))
                .hasMessageContaining("slow down");
    }

    @Test
    void aConnectionThatBreaksMidStreamIsABrokenStream() {
        answers.add(exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/vnd.amazon.eventstream");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            out.write(Frame.event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Cut\"}}")
                    .bytes());
            byte[] next = Frame.event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"off\"}}")
                    .bytes();
            out.write(next, 0, next.length / 2);
            out.flush();
            // Half a frame, then the connection goes.
            exchange.close();
        });
        List<String> deltas = new ArrayList<>();

        assertThatThrownBy(() -> model().stream(request(null), sink(deltas)))
                .isInstanceOfSatisfying(ModelFailure.class, e -> assertThat(e.kind()).isEqualTo(Kind.STREAM_BROKEN));
        assertThat(deltas).containsExactly("Cut");
    }

    @Test
    void aStreamThatStallsIsGivenUpAsBroken() {
        answers.add(exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/vnd.amazon.eventstream");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            out.write(Frame.event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Slow\"}}")
                    .bytes());
            out.flush();
            try {
                Thread.sleep(5_000); // then the test is over and the server stopped
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        List<String> deltas = new CopyOnWriteArrayList<>();
        BedrockChatModel model = new BedrockChatModel(sync, () -> async, Duration.ofMillis(500));

        assertThatThrownBy(() -> model.stream(request(null), sink(deltas)))
                .isInstanceOfSatisfying(ModelFailure.class, e -> assertThat(e.kind()).isEqualTo(Kind.STREAM_BROKEN))
                .hasMessageContaining("no end of the stream in 500 ms");
        assertThat(deltas).containsExactly("Slow");
    }

    @ParameterizedTest
    @CsvSource({
            "429, ThrottlingException, THROTTLED",
            "429, ModelNotReadyException, THROTTLED",
            "408, ModelTimeoutException, TIMEOUT",
            "503, ServiceUnavailableException, UNAVAILABLE",
            "500, InternalServerException, UNAVAILABLE",
            "424, ModelErrorException, UNAVAILABLE",
            "400, ValidationException, INVALID_REQUEST",
            "403, AccessDeniedException, ACCESS_DENIED",
            "404, ResourceNotFoundException, NOT_FOUND"})
    void classifiesEachErrorOfConverseAndConverseStreamAndNeverRetries(int status, String errorType, Kind kind) {
        answers.add(Answer.error(status, errorType, Map.of()));
        assertThatThrownBy(() -> model().reply(request(null)))
                .isInstanceOfSatisfying(ModelFailure.class, e -> {
                    assertThat(e.kind()).isEqualTo(kind);
                    assertThat(e.retryable()).isEqualTo(kind.retryable());
                    assertThat(e.getCause().getClass().getSimpleName()).isEqualTo(errorType);
                    assertThat(e.retryAfter()).isEmpty();
                })
                .hasMessageContaining(errorType + ": " + errorType + " from the double");

        answers.add(Answer.error(status, errorType, Map.of()));
        assertThatThrownBy(() -> model().stream(request(null), DeltaSink.NONE))
                .isInstanceOfSatisfying(ModelFailure.class, e -> {
                    assertThat(e.kind()).isEqualTo(kind);
                    assertThat(e.getCause().getClass().getSimpleName()).isEqualTo(errorType);
                });
        assertThat(requests).extracting(Recorded::rawPath)
                .containsExactly("/model/" + ENCODED + "/converse", "/model/" + ENCODED + "/converse-stream");
    }

    @Test
    void throttlingCarriesRetryAfter() {
        answers.add(Answer.error(429, "ThrottlingException", Map.of("Retry-After", "7")));
        assertThatThrownBy(() -> model().reply(request(null)))
                .isInstanceOfSatisfying(ModelFailure.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.THROTTLED);
                    assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
                });
        answers.add(Answer.error(429, "ThrottlingException", Map.of("Retry-After", "3")));
        assertThatThrownBy(() -> model().stream(request(null), DeltaSink.NONE))
                .isInstanceOfSatisfying(ModelFailure.class, e -> assertThat(e.retryAfter())
                        .contains(Duration.ofSeconds(3)));
    }

    @Test
    void anUnreachableEndpointIsUnavailable() throws IOException {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        AwsClients aws = new AwsClients(Map.of("AWS_REGION", "us-east-1", "AWS_ACCESS_KEY_ID", "AKIDTEST",
                "AWS_SECRET_ACCESS_KEY", "secret", "AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "http://127.0.0.1:" + closedPort));
        try (BedrockRuntimeClient closedSync = BedrockChatClients.sync(aws);
                BedrockRuntimeAsyncClient closedAsync = BedrockChatClients.async(aws)) {
            BedrockChatModel model = new BedrockChatModel(closedSync, () -> closedAsync);
            assertThatThrownBy(() -> model.reply(request(null)))
                    .isInstanceOfSatisfying(ModelFailure.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE));
            assertThatThrownBy(() -> model.stream(request(null), DeltaSink.NONE))
                    .isInstanceOfSatisfying(ModelFailure.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE));
        }
    }

    @Test
    void withProcessCredentialsTheClientSignsWithTheProcessesOwnSdkSettingsNotTheFunctions() {
        // The SDK's default chains read these system properties first, as they would a user's environment.
        Map<String, String> process = Map.of("aws.accessKeyId", "AKIDPROCESS", "aws.secretAccessKey", "process-secret",
                "aws.region", "eu-west-3");
        process.forEach(System::setProperty);
        AwsClients aws = new AwsClients(Map.of("AWS_REGION", "us-east-1", "AWS_ACCESS_KEY_ID", "AKIDFUNCTION",
                "AWS_SECRET_ACCESS_KEY", "secret", "BEDROCK_CREDENTIALS", "process",
                "AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "http://127.0.0.1:" + server.getAddress().getPort()));
        try (BedrockRuntimeClient processSync = BedrockChatClients.sync(aws)) {
            answers.add(Answer.json(200, "{\"output\":{\"message\":{\"role\":\"assistant\",\"content\":[]}},"
                    + "\"stopReason\":\"end_turn\",\"usage\":{\"inputTokens\":1,\"outputTokens\":0}}"));
            new BedrockChatModel(processSync, () -> async).reply(request(null));
        } finally {
            process.keySet().forEach(System::clearProperty);
        }
        assertThat(requests.getFirst().authorization()).contains("Credential=AKIDPROCESS/")
                .contains("/eu-west-3/bedrock/aws4_request");
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

    private record Recorded(String method, String rawPath, String contentType, String body, String authorization) {
    }

    @FunctionalInterface
    private interface Answer {

        void write(HttpExchange exchange) throws IOException;

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

        /** As Bedrock answers an error: the type in x-amzn-ErrorType, {"message"} in the body. */
        static Answer error(int status, String errorType, Map<String, String> headers) {
            return exchange -> {
                exchange.getResponseHeaders().add("x-amzn-ErrorType", errorType);
                headers.forEach(exchange.getResponseHeaders()::add);
                json(status, "{\"message\":\"" + errorType + " from the double\"}").write(exchange);
            };
        }

        static Answer stream(List<Frame> frames) {
            return exchange -> {
                exchange.getResponseHeaders().add("Content-Type", "application/vnd.amazon.eventstream");
                exchange.sendResponseHeaders(200, 0);
                try (OutputStream out = exchange.getResponseBody()) {
                    for (Frame frame : frames) {
                        out.write(frame.bytes());
                        out.flush();
                    }
                }
            };
        }
    }

    /** One event-stream message, encoded (prelude, headers, payload, both CRC32s) by the library the SDK decodes with. */
    private record Frame(Map<String, HeaderValue> headers, String payload) {

        static Frame event(String type, String payload) {
            Map<String, HeaderValue> headers = new LinkedHashMap<>();
            headers.put(":message-type", HeaderValue.fromString("event"));
            headers.put(":event-type", HeaderValue.fromString(type));
            headers.put(":content-type", HeaderValue.fromString("application/json"));
            return new Frame(headers, payload);
        }

        static Frame exception(String type, String payload) {
            Map<String, HeaderValue> headers = new LinkedHashMap<>();
            headers.put(":message-type", HeaderValue.fromString("exception"));
            headers.put(":exception-type", HeaderValue.fromString(type));
            headers.put(":content-type", HeaderValue.fromString("application/json"));
            return new Frame(headers, payload);
        }

        byte[] bytes() {
            java.nio.ByteBuffer buffer = new Message(headers, payload.getBytes(StandardCharsets.UTF_8)).toByteBuffer();
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        }
    }
}
