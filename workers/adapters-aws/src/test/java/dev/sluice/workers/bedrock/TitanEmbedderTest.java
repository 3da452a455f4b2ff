package dev.sluice.workers.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.failure.PortFailure;
import dev.sluice.core.json.Json;
import dev.sluice.workers.tokenizer.BgeTokenizer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.bedrockruntime.model.ServiceUnavailableException;
import software.amazon.awssdk.services.bedrockruntime.model.ThrottlingException;
import software.amazon.awssdk.services.bedrockruntime.model.ValidationException;

class TitanEmbedderTest {

    private static final int DIMENSIONS = 256;

    private final List<Request> requests = new ArrayList<>();
    /** Answers to give in turn; the last one repeats. */
    private final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger mostInFlight = new AtomicInteger();
    private HttpServer server;
    private ExecutorService serverThreads;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                byte[] body = exchange.getRequestBody().readAllBytes();
                synchronized (requests) {
                    requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                            exchange.getRequestHeaders(), new String(body, StandardCharsets.UTF_8)));
                }
                Answer answer = answers.size() > 1 ? answers.poll() : answers.peek();
                String inputText = Json.parse(new String(body, StandardCharsets.UTF_8)).path("inputText").asText();
                byte[] out = answer.body().apply(inputText).getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                if (answer.errorType() != null) {
                    exchange.getResponseHeaders().add("x-amzn-ErrorType", answer.errorType());
                }
                // Long enough for the requests of one batch to overlap.
                Thread.sleep(20);
                exchange.sendResponseHeaders(answer.status(), out.length);
                try (OutputStream response = exchange.getResponseBody()) {
                    response.write(out);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                inFlight.decrementAndGet();
            }
        });
        serverThreads = Executors.newCachedThreadPool();
        server.setExecutor(serverThreads);
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
        serverThreads.shutdownNow();
    }

    @Test
    void sendsOneSignedInvokeModelWithTheTitanV2Body() {
        answers.add(Answer.vector());
        List<float[]> vectors = embedder(4).embed(List.of("Say \"hi\" to the café\n"));

        assertThat(requests).hasSize(1);
        Request request = requests.getFirst();
        assertThat(request.method()).isEqualTo("POST");
        // The SDK percent-encodes the model id's colon in the path.
        assertThat(request.rawPath()).isEqualTo("/model/amazon.titan-embed-text-v2%3A0/invoke");
        assertThat(request.headers().getFirst("Content-Type")).isEqualTo("application/json");
        assertThat(request.headers().getFirst("Accept")).isEqualTo("application/json");
        assertThat(request.headers().getFirst("Authorization"))
                .matches("AWS4-HMAC-SHA256 Credential=AKIDTEST/\\d{8}/us-east-1/bedrock/aws4_request, "
                        + "SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*x-amz-date[a-z0-9;-]*, Signature=[0-9a-f]{64}");
        assertThat(request.body()).isEqualTo(
                "{\"inputText\":\"Say \\\"hi\\\" to the café\\n\",\"dimensions\":256,\"normalize\":true,"
                        + "\"embeddingTypes\":[\"float\"]}");

        assertThat(vectors).hasSize(1);
        assertThat(vectors.getFirst()).hasSize(DIMENSIONS);
        assertThat(vectors.getFirst()[0]).isEqualTo(Answer.firstComponent("Say \"hi\" to the café\n"));
        assertThat(vectors.getFirst()[1]).isEqualTo(0.5f);
    }

    @Test
    void readsTheOlderEmbeddingFieldWhenEmbeddingsByTypeIsAbsent() {
        answers.add(new Answer(200, null, text -> {
            ObjectNode body = Json.MAPPER.createObjectNode().put("inputTextTokenCount", 3);
            ArrayNode embedding = body.putArray("embedding");
            for (int i = 0; i < DIMENSIONS; i++) {
                embedding.add(i == 0 ? 0.25f : 0f);
            }
            return Json.write(body);
        }));
        assertThat(embedder(1).embed(List.of("x")).getFirst()[0]).isEqualTo(0.25f);
    }

    @Test
    void embedsABatchInOrderWithBoundedParallelism() {
        answers.add(Answer.vector());
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            texts.add("text number " + i);
        }
        List<float[]> vectors = embedder(3).embed(texts);

        assertThat(requests).hasSize(12);
        for (int i = 0; i < texts.size(); i++) {
            assertThat(vectors.get(i)[0]).as("vector %d", i).isEqualTo(Answer.firstComponent(texts.get(i)));
        }
        assertThat(mostInFlight.get()).isBetween(2, 3);
    }

    @Test
    void retriesThrottlingAndThenSucceeds() {
        answers.add(Answer.error(429, "ThrottlingException"));
        answers.add(Answer.vector());
        List<float[]> vectors = embedder(1).embed(List.of("busy"));
        assertThat(requests).hasSize(2);
        assertThat(requests.get(1).body()).isEqualTo(requests.get(0).body());
        assertThat(vectors.getFirst()[0]).isEqualTo(Answer.firstComponent("busy"));
    }

    @Test
    void aValidationErrorIsNotRetried() {
        answers.add(Answer.error(400, "ValidationException"));
        assertThatThrownBy(() -> embedder(1).embed(List.of("bad")))
                .isInstanceOfSatisfying(PortFailure.class, e -> {
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getCause()).isInstanceOf(ValidationException.class);
                })
                .hasMessageContaining("ValidationException");
        assertThat(requests).hasSize(1);
    }

    @Test
    void persistentUnavailabilityIsRetryableAfterTheSdkRetries() {
        answers.add(Answer.error(503, "ServiceUnavailableException"));
        assertThatThrownBy(() -> embedder(1).embed(List.of("later")))
                .isInstanceOfSatisfying(PortFailure.class, e -> {
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.getCause()).isInstanceOf(ServiceUnavailableException.class);
                });
        assertThat(requests).hasSize(TitanEmbedder.MAX_ATTEMPTS);
    }

    @ParameterizedTest
    @CsvSource({
            "403, AccessDeniedException, false, 1",
            "404, ResourceNotFoundException, false, 1",
            "424, ModelErrorException, false, 1",
            "408, ModelTimeoutException, true, 4",
            "500, InternalServerException, true, 4"})
    void classifiesBedrockErrors(int status, String errorType, boolean retryable, int attempts) {
        answers.add(Answer.error(status, errorType));
        assertThatThrownBy(() -> embedder(1).embed(List.of("x")))
                .isInstanceOfSatisfying(PortFailure.class, e -> {
                    assertThat(e.retryable()).isEqualTo(retryable);
                    assertThat(e.getCause().getClass().getSimpleName()).isEqualTo(errorType);
                });
        assertThat(requests).hasSize(attempts);
    }

    @Test
    void aBatchFailsWhenOneTextFails() {
        answers.add(Answer.vector());
        answers.add(Answer.error(400, "ValidationException"));
        assertThatThrownBy(() -> embedder(1).embed(List.of("first", "second", "third")))
                .isInstanceOfSatisfying(PortFailure.class, e -> assertThat(e.retryable()).isFalse());
    }

    @Test
    void anUnreachableEndpointIsRetryable() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        TitanEmbedder embedder = new TitanEmbedder(TitanEmbedder.client(aws("http://127.0.0.1:" + closedPort)),
                DIMENSIONS, BgeTokenizer::shared, 1);
        assertThatThrownBy(() -> embedder.embed(List.of("x")))
                .isInstanceOfSatisfying(PortFailure.class, e -> assertThat(e.retryable()).isTrue())
                .hasMessageContaining("could not reach Bedrock");
    }

    @Test
    void refusesTextOverTheTokenLimitWithoutSendingIt() {
        answers.add(Answer.vector());
        // Four BGE tokens a repetition: 8,196 tokens, four over.
        String tooLong = "lorem ipsum ".repeat(2049);
        assertThatThrownBy(() -> embedder(2).embed(List.of("fine", tooLong)))
                .isInstanceOfSatisfying(PortFailure.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessageContaining("8196 tokens");
        assertThat(requests).isEmpty();
    }

    @Test
    void takesOnlyTheDimensionsTitanMakes() {
        assertThatThrownBy(() -> new TitanEmbedder(null, 384, BgeTokenizer::shared, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("384");
        TitanEmbedder embedder = embedder(1);
        assertThat(embedder.dimensions()).isEqualTo(DIMENSIONS);
        assertThat(embedder.modelId()).isEqualTo("amazon.titan-embed-text-v2:0");
        assertThat(embedder.maxInputTokens()).isEqualTo(8192);
    }

    private TitanEmbedder embedder(int parallelism) {
        String endpoint = "http://127.0.0.1:" + server.getAddress().getPort();
        return new TitanEmbedder(TitanEmbedder.client(aws(endpoint)), DIMENSIONS, BgeTokenizer::shared,
                parallelism);
    }

    private static AwsClients aws(String endpoint) {
        return new AwsClients(Map.of("AWS_REGION", "us-east-1", "AWS_ACCESS_KEY_ID", "AKIDTEST",
                "AWS_SECRET_ACCESS_KEY", "secret", "AWS_ENDPOINT_URL_BEDROCK_RUNTIME", endpoint));
    }

    private record Request(String method, String rawPath, Headers headers, String body) {
    }

    private record Answer(int status, String errorType, Function<String, String> body) {

        /** A Titan v2 answer whose first component identifies the input text and whose second is 0.5. */
        static Answer vector() {
            return new Answer(200, null, text -> {
                ObjectNode body = Json.MAPPER.createObjectNode();
                ArrayNode embedding = body.putArray("embedding");
                ArrayNode floats = body.putObject("embeddingsByType").putArray("float");
                for (int i = 0; i < DIMENSIONS; i++) {
                    float value = i == 0 ? firstComponent(text) : i == 1 ? 0.5f : 0f;
                    embedding.add(value);
                    floats.add(value);
                }
                body.put("inputTextTokenCount", 4);
                return Json.write(body);
            });
        }

        static Answer error(int status, String errorType) {
            return new Answer(status, errorType, text -> "{\"message\":\"" + errorType + " from the test\"}");
        }

        static float firstComponent(String text) {
            return (text.hashCode() % 1000) / 1000f;
        }
    }
}
