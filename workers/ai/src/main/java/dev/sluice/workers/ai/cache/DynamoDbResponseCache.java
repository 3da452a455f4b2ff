package dev.sluice.workers.ai.cache;

import static dev.sluice.core.dynamodb.Attributes.n;
import static dev.sluice.core.dynamodb.Attributes.numberOrNull;
import static dev.sluice.core.dynamodb.Attributes.s;
import static dev.sluice.core.dynamodb.Attributes.text;

import dev.sluice.core.ai.ChatReply;
import dev.sluice.core.embed.Embedder;
import dev.sluice.core.json.Json;
import dev.sluice.workers.ai.gateway.ResponseCache;
import dev.sluice.workers.metrics.Metric;
import dev.sluice.workers.metrics.Metrics;
import dev.sluice.workers.metrics.MetricsScope;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The response cache in DynamoDB (table {@value #TABLE}, keys {@code pk}/{@code sk}, TTL {@code expiresAt}).
 *
 * <p>An exact entry is one item under the SHA-256 of the tenant and of everything sent to the model
 * ({@link CacheKeys#exact}). A route that opts in to the semantic cache also gets, at temperature 0, an item per
 * answer in a partition of everything but the prompt's text ({@link CacheKeys#semantic}), holding the prompt's
 * embedding; a lookup reads the partition's {@value #SEMANTIC_CANDIDATES} newest entries in one Query and answers
 * with the nearest by cosine when it is within the route's threshold. Older entries of a busy partition are not
 * compared: they age out with the TTL, so a partition's reads stay bounded.
 *
 * <p>Entries live {@link #TTL}; DynamoDB deletes expired items lazily, so every read checks {@code expiresAt} too.
 * Only complete answers are kept ({@link #keeps}). Every call to the store has its own short timeout; a store that
 * fails or does not answer in time is bypassed, with one log line for a storm of them ({@link QuietLog}). When
 * most recent calls failed, a circuit breaker skips the store for {@link #STORE_REST} so that jobs do not each
 * wait out the timeout meanwhile; one call then tries it again.
 * Each lookup counts {@link Metric#CACHE_HIT} or {@link Metric#CACHE_MISS} by outcome.
 */
public final class DynamoDbResponseCache implements ResponseCache {

    public static final String TABLE = "sluice-ai-cache";
    public static final Duration TTL = Duration.ofHours(24);
    /** How long one call to the store may take, retries included, before the cache is bypassed. */
    public static final Duration CALL_TIMEOUT = Duration.ofSeconds(1);
    /**
     * The newest entries of a semantic partition a lookup compares: at Titan's 1024 dimensions 4 KB of vector
     * each, plus the answer, so one Query page (1 MB) holds them all unless the answers are very long.
     */
    static final int SEMANTIC_CANDIDATES = 32;
    /** Stop reasons of a complete answer. A guardrail's intervention, a tool call or a filtered answer is not kept. */
    private static final Set<String> COMPLETE = Set.of("end_turn", "max_tokens", "stop_sequence");
    private static final String EXACT_SK = "reply";
    private static final Duration LOG_INTERVAL = Duration.ofMinutes(1);
    private static final int REMEMBERED_EMBEDDINGS = 128;
    /** How long the store is left alone once the breaker opened. */
    static final Duration STORE_REST = Duration.ofSeconds(30);

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final Supplier<Embedder> embedder;
    private final Metrics metrics;
    private final Clock clock;
    private final Consumer<AwsRequestOverrideConfiguration.Builder> timeout;
    /** The store's failures, and the embedder's apart: one trouble must not hide the other for a minute. */
    private final QuietLog trouble;
    private final QuietLog embedderTrouble;
    private final CircuitBreaker breaker;
    /** The prompt embedded by a lookup, by exact key, so that the store after a miss does not embed it again. */
    private final Map<String, float[]> embeddings = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, float[]> eldest) {
            return size() > REMEMBERED_EMBEDDINGS;
        }
    };

    public DynamoDbResponseCache(DynamoDbClient dynamoDb, String table, Supplier<Embedder> embedder, Metrics metrics,
            Clock clock) {
        this(dynamoDb, table, embedder, metrics, clock, CALL_TIMEOUT);
    }

    /** @param embedder asked only for queries that may use the semantic cache: a worker whose routes use none never builds one */
    public DynamoDbResponseCache(DynamoDbClient dynamoDb, String table, Supplier<Embedder> embedder, Metrics metrics,
            Clock clock, Duration callTimeout) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.embedder = embedder;
        this.metrics = metrics;
        this.clock = clock;
        this.timeout = o -> o.apiCallTimeout(callTimeout);
        this.trouble = new QuietLog(LoggerFactory.getLogger(DynamoDbResponseCache.class), clock, LOG_INTERVAL);
        this.embedderTrouble = new QuietLog(LoggerFactory.getLogger(DynamoDbResponseCache.class), clock,
                LOG_INTERVAL);
        // Only the store's failures count: an answer that cannot be read says nothing about the store's health.
        this.breaker = CircuitBreaker.of(table, CircuitBreakerConfig.custom().clock(clock)
                .slidingWindowSize(10).minimumNumberOfCalls(3).failureRateThreshold(50)
                .waitDurationInOpenState(STORE_REST).permittedNumberOfCallsInHalfOpenState(1)
                .recordException(e -> e instanceof SdkException).build());
    }

    @Override
    public Lookup lookup(Query query) {
        Lookup lookup = find(query);
        try (MetricsScope scope = metrics.scope()) {
            scope.property("tenantId", query.tenantId());
            boolean hit = lookup.outcome() == Outcome.HIT || lookup.outcome() == Outcome.SEMANTIC;
            scope.count(hit ? Metric.CACHE_HIT : Metric.CACHE_MISS, lookup.outcome().wire());
        }
        return lookup;
    }

    @Override
    public void store(Query query, ChatReply reply) {
        if (!keeps(reply)) {
            return;
        }
        Instant now = clock.instant();
        String exactKey = CacheKeys.exact(query);
        AttributeValue answer = s(Json.write(reply));
        AttributeValue expiresAt = n(now.plus(TTL).getEpochSecond());
        try {
            call(() -> dynamoDb.putItem(b -> b.tableName(table).overrideConfiguration(timeout)
                    .item(Map.of("pk", s(exactKey), "sk", s(EXACT_SK), "reply", answer, "expiresAt", expiresAt))));
            if (semantic(query)) {
                float[] vector = embedding(query, exactKey);
                if (vector != null) {
                    // Newest first when the partition is read; the exact key keeps two answers of one millisecond apart.
                    String sk = "%013d#%s".formatted(now.toEpochMilli(), exactKey.substring("exact#".length()));
                    call(() -> dynamoDb.putItem(b -> b.tableName(table).overrideConfiguration(timeout)
                            .item(Map.of("pk", s(CacheKeys.semantic(query, embedder.get().modelId())), "sk", s(sk),
                                    "vector", AttributeValue.fromB(SdkBytes.fromByteArray(Vectors.bytes(vector))),
                                    "reply", answer, "expiresAt", expiresAt))));
                }
            }
        } catch (RuntimeException e) {
            trouble.warn("response cache: an answer was not stored", e);
        }
    }

    /**
     * Whether an answer may be served again: complete ({@code end_turn}, {@code stop_sequence}, or {@code max_tokens},
     * which the key's maxTokens makes repeatable) and untouched by a guardrail, whose policies may change before the
     * entry expires.
     */
    static boolean keeps(ChatReply reply) {
        return reply != null && reply.text() != null && reply.intervention() == null && reply.stopReason() != null
                && COMPLETE.contains(reply.stopReason().toLowerCase(Locale.ROOT));
    }

    private Lookup find(Query query) {
        long now = clock.instant().getEpochSecond();
        String exactKey = CacheKeys.exact(query);
        try {
            Map<String, AttributeValue> item = call(() -> dynamoDb.getItem(b -> b.tableName(table)
                    .overrideConfiguration(timeout).key(Map.of("pk", s(exactKey), "sk", s(EXACT_SK))))).item();
            ChatReply reply = item == null || item.isEmpty() ? null : fresh(item, now);
            if (reply != null) {
                return new Lookup(Outcome.HIT, reply, null);
            }
            return semantic(query) ? nearest(query, exactKey, now) : Lookup.miss();
        } catch (RuntimeException e) {
            trouble.warn("response cache bypassed: its store did not answer a lookup", e);
            return Lookup.bypass();
        }
    }

    /** Only at temperature 0: a sampled answer to a near prompt is no answer to this one. */
    private static boolean semantic(Query query) {
        return query.semanticThreshold() != null && query.temperature() == 0;
    }

    private Lookup nearest(Query query, String exactKey, long now) {
        float[] vector = embedding(query, exactKey);
        if (vector == null) {
            return Lookup.miss();
        }
        List<Map<String, AttributeValue>> entries = call(() -> dynamoDb.query(b -> b.tableName(table)
                .overrideConfiguration(timeout).keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk", s(CacheKeys.semantic(query, embedder.get().modelId()))))
                .scanIndexForward(false).limit(SEMANTIC_CANDIDATES))).items();
        Map<String, AttributeValue> best = null;
        double bestSimilarity = Double.NEGATIVE_INFINITY;
        for (Map<String, AttributeValue> entry : entries) {
            Long expiresAt = numberOrNull(entry, "expiresAt");
            AttributeValue stored = entry.get("vector");
            if (expiresAt == null || expiresAt <= now || stored == null || stored.b() == null) {
                continue;
            }
            double similarity = Vectors.cosine(vector, Vectors.floats(stored.b().asByteArray()));
            if (similarity > bestSimilarity) {
                best = entry;
                bestSimilarity = similarity;
            }
        }
        if (best == null || !(bestSimilarity >= query.semanticThreshold())) {
            return Lookup.miss();
        }
        ChatReply reply = fresh(best, now);
        return reply == null ? Lookup.miss() : new Lookup(Outcome.SEMANTIC, reply, bestSimilarity);
    }

    /** A call to the store, refused at once ({@code CallNotPermittedException}) while the breaker is open. */
    private <T> T call(Supplier<T> request) {
        return breaker.executeSupplier(request);
    }

    /** The entry's answer, or null when it has expired (TTL deletion is lazy) or cannot be read. */
    private ChatReply fresh(Map<String, AttributeValue> item, long now) {
        Long expiresAt = numberOrNull(item, "expiresAt");
        String reply = text(item, "reply");
        if (expiresAt == null || expiresAt <= now || reply == null) {
            return null;
        }
        try {
            return Json.MAPPER.readValue(reply, ChatReply.class);
        } catch (Exception e) {
            trouble.warn("response cache: an entry that cannot be read is treated as a miss", e);
            return null;
        }
    }

    /** The prompt's embedding, or null when the embedder fails: the semantic cache is then skipped, not the job. */
    private float[] embedding(Query query, String exactKey) {
        synchronized (embeddings) {
            float[] known = embeddings.get(exactKey);
            if (known != null) {
                return known;
            }
        }
        float[] vector;
        try {
            vector = embedder.get().embed(List.of(query.prompt())).get(0);
        } catch (RuntimeException e) {
            embedderTrouble.warn("semantic cache skipped: the prompt could not be embedded", e);
            return null;
        }
        synchronized (embeddings) {
            embeddings.put(exactKey, vector);
        }
        return vector;
    }
}
