package dev.sluice.workers.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.embed.Embedder;
import dev.sluice.core.embed.Tokenizer;
import dev.sluice.core.failure.PortFailure;
import dev.sluice.core.json.Json;
import dev.sluice.workers.embed.InputWindow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelResponse;
import software.amazon.awssdk.services.bedrockruntime.model.ModelTimeoutException;

/**
 * Amazon Titan Text Embeddings v2 on Bedrock: one InvokeModel per text (the model takes a single
 * {@code inputText}), a few at a time, asking for unit-length float vectors of 256, 512 or 1024
 * dimensions.
 *
 * <p>Titan's tokenizer is not public, so {@link #tokenizer()} is BGE's WordPiece tokenizer and
 * {@link #maxInputTokens()} is Titan's documented 8,192. The count is an estimate: the two
 * vocabularies split words differently, which matters little because chunks are ~300 tokens, far
 * inside the limit; a text over it by BGE's count is still refused rather than sent. The tokenizer
 * is looked up on first use: a text of at most 8,192 characters needs no count, so the API's bundle
 * embeds queries without carrying it.
 *
 * <p>Failures, after the SDK's own retries: throttling (429), ServiceUnavailable and other 5xx,
 * ModelTimeout (408) and I/O are retryable; ValidationException, AccessDenied, ResourceNotFound and
 * every other 4xx come back the same next time and are not.
 */
public final class TitanEmbedder implements Embedder {

    public static final String MODEL_ID = "amazon.titan-embed-text-v2:0";
    public static final Set<Integer> DIMENSIONS = Set.of(256, 512, 1024);
    public static final int MAX_INPUT_TOKENS = 8192;
    /** Requests in flight per {@link #embed} call: a handful keeps a chunked document quick without provoking throttling. */
    public static final int DEFAULT_PARALLELISM = 4;
    /** Attempts per text, the first included, before the SDK gives up and the job queue's redelivery takes over. */
    static final int MAX_ATTEMPTS = 4;

    private final BedrockRuntimeClient bedrock;
    private final int dimensions;
    private final Supplier<Tokenizer> tokenizer;
    private final int parallelism;

    public TitanEmbedder(BedrockRuntimeClient bedrock, int dimensions, Supplier<Tokenizer> tokenizer,
            int parallelism) {
        if (!DIMENSIONS.contains(dimensions)) {
            throw new IllegalArgumentException(MODEL_ID + " makes vectors of 256, 512 or 1024 dimensions, not "
                    + dimensions);
        }
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1, not " + parallelism);
        }
        this.bedrock = bedrock;
        this.dimensions = dimensions;
        this.tokenizer = tokenizer;
        this.parallelism = parallelism;
    }

    /**
     * The Bedrock Runtime client from the function's environment ({@code AWS_ENDPOINT_URL_BEDROCK_RUNTIME}
     * overrides the endpoint), retrying 5xx, throttling, model timeouts and I/O with exponential
     * backoff and jitter; throttling backs off longer, since the account's tokens-per-minute quota
     * refills slowly.
     */
    public static BedrockRuntimeClient client(AwsClients aws) {
        RetryStrategy retry = AwsRetryStrategy.standardRetryStrategy().toBuilder()
                .maxAttempts(MAX_ATTEMPTS)
                // A 408 is not among the SDK's retryable statuses, but a model that timed out once may not twice.
                .retryOnExceptionInstanceOf(ModelTimeoutException.class)
                .backoffStrategy(BackoffStrategy.exponentialDelay(Duration.ofMillis(100), Duration.ofSeconds(5)))
                .throttlingBackoffStrategy(
                        BackoffStrategy.exponentialDelay(Duration.ofMillis(500), Duration.ofSeconds(20)))
                .build();
        return aws.build(BedrockRuntimeClient.builder().overrideConfiguration(o -> o.retryStrategy(retry)),
                "BEDROCK_RUNTIME");
    }

    @Override
    public String modelId() {
        return MODEL_ID;
    }

    @Override
    public int dimensions() {
        return dimensions;
    }

    @Override
    public int maxInputTokens() {
        return MAX_INPUT_TOKENS;
    }

    @Override
    public Tokenizer tokenizer() {
        return tokenizer.get();
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        new InputWindow(MODEL_ID, tokenizer, MAX_INPUT_TOKENS, true).check(texts);
        if (texts.size() == 1) {
            return List.of(embedOne(texts.getFirst()));
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, texts.size()),
                Thread.ofVirtual().name("titan-embed-", 0).factory());
        try {
            List<Future<float[]>> pending = new ArrayList<>(texts.size());
            for (String text : texts) {
                pending.add(pool.submit(() -> embedOne(text)));
            }
            List<float[]> vectors = new ArrayList<>(texts.size());
            for (Future<float[]> vector : pending) {
                vectors.add(vector.get());
            }
            return vectors;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof PortFailure failure) {
                throw failure;
            }
            throw PortFailure.permanent(Embedder.FAILED, MODEL_ID + " failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw PortFailure.retryable(Embedder.UNAVAILABLE, "interrupted while embedding", e);
        } finally {
            // One failure fails the batch: texts still queued are not sent.
            pool.shutdownNow();
        }
    }

    private float[] embedOne(String text) {
        ObjectNode body = Json.MAPPER.createObjectNode()
                .put("inputText", text)
                .put("dimensions", dimensions)
                .put("normalize", true);
        body.putArray("embeddingTypes").add("float");
        InvokeModelResponse response;
        try {
            response = bedrock.invokeModel(r -> r
                    .modelId(MODEL_ID)
                    .contentType("application/json")
                    .accept("application/json")
                    .body(SdkBytes.fromUtf8String(Json.write(body))));
        } catch (AwsServiceException e) {
            String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode() + ": ";
            String message = MODEL_ID + " refused: " + code + e.getMessage();
            throw retryable(e) ? PortFailure.retryable(Embedder.UNAVAILABLE, message, e)
                    : PortFailure.permanent(Embedder.FAILED, message, e);
        } catch (SdkClientException e) {
            // I/O and timeouts; a client misconfigured for good also lands here and ends in the dead-letter queue.
            throw PortFailure.retryable(Embedder.UNAVAILABLE, "could not reach Bedrock: " + e.getMessage(), e);
        }
        return vector(response.body().asUtf8String());
    }

    private static boolean retryable(AwsServiceException e) {
        int status = e.statusCode();
        return e.isThrottlingException() || status == 408 || status == 429 || status >= 500;
    }

    /** {@code embeddingsByType.float}, which v2 always sends, or the older {@code embedding}. */
    private float[] vector(String responseBody) {
        JsonNode response;
        try {
            response = Json.parse(responseBody);
        } catch (IllegalArgumentException e) {
            throw PortFailure.permanent(Embedder.FAILED, MODEL_ID + " answered with " + e.getMessage(), e);
        }
        JsonNode values = response.path("embeddingsByType").path("float");
        if (!values.isArray()) {
            values = response.path("embedding");
        }
        if (!values.isArray() || values.size() != dimensions) {
            throw PortFailure.permanent(Embedder.FAILED, MODEL_ID + " answered without a " + dimensions
                    + "-dimension vector", null);
        }
        float[] vector = new float[dimensions];
        for (int i = 0; i < dimensions; i++) {
            vector[i] = values.get(i).floatValue();
        }
        return vector;
    }
}
