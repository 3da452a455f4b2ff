package dev.sluice.workers.ai.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.ai.ChatReply;
import dev.sluice.core.ai.ChatReply.GuardrailIntervention;
import dev.sluice.core.ai.TokenUsage;
import dev.sluice.core.topology.Definitions;
import dev.sluice.core.topology.TableSpec;
import dev.sluice.workers.ai.gateway.ResponseCache.Lookup;
import dev.sluice.workers.ai.gateway.ResponseCache.Outcome;
import dev.sluice.workers.ai.gateway.ResponseCache.Query;
import dev.sluice.workers.support.KeptMetrics;
import dev.sluice.workers.support.TestClock;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** Against DynamoDB Local's engine in-process, with the table as the topology declares it. */
class DynamoDbResponseCacheTest {

    private static final Instant START = Instant.parse("2026-12-02T06:00:00Z");
    private static final ChatReply ANSWER = new ChatReply("Paris.", "bedrock", "anthropic.claude-sonnet", true,
            new TokenUsage(12, 3, 0, 0), "end_turn", null, 840);
    private static final AtomicInteger TABLES = new AtomicInteger();

    private static AmazonDynamoDBLocal local;
    private static DynamoDbClient dynamoDb;

    private final TestClock clock = new TestClock(START);
    private final BagOfWordsEmbedder embedder = new BagOfWordsEmbedder();
    private final KeptMetrics metrics = new KeptMetrics();
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger cacheLogger = (Logger) LoggerFactory.getLogger(DynamoDbResponseCache.class);
    private DynamoDbResponseCache cache;

    @BeforeAll
    static void startDynamoDb() {
        local = DynamoDBEmbedded.create(true);
        dynamoDb = local.dynamoDbClient();
    }

    @AfterAll
    static void stopDynamoDb() {
        local.shutdown();
    }

    @BeforeEach
    void setUp() {
        log.start();
        cacheLogger.addAppender(log);
        cache = new DynamoDbResponseCache(dynamoDb, createTable(), () -> embedder, metrics.metrics(), clock);
    }

    @AfterEach
    void tearDown() {
        cacheLogger.detachAppender(log);
    }

    private static String createTable() {
        TableSpec spec = Definitions.bundled().topology().table(DynamoDbResponseCache.TABLE).orElseThrow();
        String name = spec.name() + "-" + TABLES.incrementAndGet();
        dynamoDb.createTable(b -> b.tableName(name)
                .keySchema(KeySchemaElement.builder().attributeName(spec.partitionKey().name()).keyType(KeyType.HASH)
                        .build(), KeySchemaElement.builder().attributeName(spec.sortKey().name())
                        .keyType(KeyType.RANGE).build())
                .attributeDefinitions(
                        AttributeDefinition.builder().attributeName(spec.partitionKey().name())
                                .attributeType(ScalarAttributeType.S).build(),
                        AttributeDefinition.builder().attributeName(spec.sortKey().name())
                                .attributeType(ScalarAttributeType.S).build())
                .billingMode(BillingMode.PAY_PER_REQUEST));
        return name;
    }

    private static Query query(String tenant, String prompt) {
        return new Query(tenant, "anthropic.claude-sonnet", "Answer in one word.", prompt, "ctx-1", 0.0, 256,
                "capitals@2", Map.of("country", "FR"), null);
    }

    private static Query semantic(String tenant, String prompt) {
        return withThreshold(query(tenant, prompt), 0.9);
    }

    private static Query withThreshold(Query q, Double threshold) {
        return new Query(q.tenantId(), q.modelId(), q.system(), q.prompt(), q.context(), q.temperature(), q.maxTokens(),
                q.template(), q.variables(), threshold);
    }

    // --- the exact cache

    @Test
    void aStoredAnswerIsServedAsItWasAndAnUnknownQueryMisses() {
        Query q = query("acme", "What is the capital of France?");
        assertThat(cache.lookup(q)).isEqualTo(Lookup.miss());

        cache.store(q, ANSWER);

        assertThat(cache.lookup(q)).isEqualTo(new Lookup(Outcome.HIT, ANSWER, null));
        assertThat(cache.lookup(query("acme", "What is the capital of Spain?"))).isEqualTo(Lookup.miss());
        assertThat(embedder.calls).as("no route opted in to the semantic cache").hasValue(0);
    }

    @Test
    void everythingSentToTheModelIsPartOfTheKey() {
        Query q = query("acme", "What is the capital of France?");
        cache.store(q, ANSWER);

        List<Query> others = List.of(
                new Query("acme", "anthropic.claude-haiku", q.system(), q.prompt(), q.context(), 0.0, 256,
                        q.template(), q.variables(), null),
                new Query("acme", q.modelId(), "Answer at length.", q.prompt(), q.context(), 0.0, 256, q.template(),
                        q.variables(), null),
                new Query("acme", q.modelId(), q.system(), q.prompt(), "ctx-2", 0.0, 256, q.template(),
                        q.variables(), null),
                new Query("acme", q.modelId(), q.system(), q.prompt(), q.context(), 0.5, 256, q.template(),
                        q.variables(), null),
                new Query("acme", q.modelId(), q.system(), q.prompt(), q.context(), 0.0, 512, q.template(),
                        q.variables(), null),
                new Query("acme", q.modelId(), q.system(), q.prompt(), q.context(), 0.0, 256, "capitals@3",
                        q.variables(), null));

        assertThat(others).allSatisfy(other -> assertThat(cache.lookup(other).outcome()).isEqualTo(Outcome.MISS));
        assertThat(cache.lookup(q).outcome()).isEqualTo(Outcome.HIT);
    }

    @Test
    void anotherTenantNeverGetsTheAnswer() {
        cache.store(query("acme", "What is the capital of France?"), ANSWER);

        assertThat(cache.lookup(query("globex", "What is the capital of France?"))).isEqualTo(Lookup.miss());
    }

    @Test
    void anEntryExpiresAfter24HoursEvenBeforeDynamoDbDeletesIt() {
        Query q = query("acme", "What is the capital of France?");
        cache.store(q, ANSWER);

        clock.advance(Duration.ofHours(24).minusSeconds(1));
        assertThat(cache.lookup(q).outcome()).isEqualTo(Outcome.HIT);
        clock.advance(Duration.ofSeconds(1));
        assertThat(cache.lookup(q)).isEqualTo(Lookup.miss());
        assertThat(dynamoDb.scan(b -> b.tableName(tableOf())).items()).as("still in the table, TTL is lazy")
                .hasSize(1);
    }

    @Test
    void onlyCompleteAnswersAreKept() {
        ChatReply truncated = new ChatReply("Par", "bedrock", "m", true, TokenUsage.NONE, "max_tokens", null, 5);
        ChatReply blocked = new ChatReply("Sorry.", "bedrock", "m", true, TokenUsage.NONE, "guardrail_intervened",
                new GuardrailIntervention("gr-1", List.of("contentPolicy:HATE")), 5);
        ChatReply toolCall = new ChatReply("", "bedrock", "m", true, TokenUsage.NONE, "tool_use", null, 5);

        cache.store(query("acme", "truncated"), truncated);
        cache.store(query("acme", "blocked"), blocked);
        cache.store(query("acme", "tool"), toolCall);

        assertThat(cache.lookup(query("acme", "truncated")).reply()).isEqualTo(truncated);
        assertThat(cache.lookup(query("acme", "blocked"))).isEqualTo(Lookup.miss());
        assertThat(cache.lookup(query("acme", "tool"))).isEqualTo(Lookup.miss());
    }

    // --- the semantic cache

    @Test
    void aNearPromptIsASemanticHitWithItsSimilarity() {
        cache.store(semantic("acme", "tell me the capital of France please"), ANSWER);

        Lookup near = cache.lookup(semantic("acme", "Tell me the capital of France"));

        assertThat(near.outcome()).isEqualTo(Outcome.SEMANTIC);
        assertThat(near.reply()).isEqualTo(ANSWER);
        // 6 shared words of 7 and 6: 6 / sqrt(7 * 6)
        assertThat(near.similarity()).isCloseTo(6 / Math.sqrt(42), within(1e-6));
        assertThat(cache.lookup(semantic("acme", "Tell me the capital of Peru"))).isEqualTo(Lookup.miss());
    }

    @Test
    void theStoreAfterAMissReusesTheLookupsEmbedding() {
        Query q = semantic("acme", "Tell me the capital of France");
        cache.lookup(q);
        cache.store(q, ANSWER);

        assertThat(embedder.calls).hasValue(1);
        assertThat(cache.lookup(semantic("acme", "tell me the capital of France please")).outcome())
                .isEqualTo(Outcome.SEMANTIC);
    }

    @Test
    void theExactEntryWinsOverASemanticOne() {
        Query q = semantic("acme", "Tell me the capital of France");
        cache.store(q, ANSWER);

        assertThat(cache.lookup(q)).isEqualTo(new Lookup(Outcome.HIT, ANSWER, null));
    }

    @Test
    void theSemanticCacheRefusesWhatCouldChangeTheAnswer() {
        Query stored = semantic("acme", "tell me the capital of France please");
        cache.store(stored, ANSWER);
        String near = "Tell me the capital of France";
        Query base = semantic("acme", near);

        Query otherTenant = semantic("globex", near);
        Query sampled = new Query("acme", base.modelId(), base.system(), near, base.context(), 0.7, base.maxTokens(),
                base.template(), base.variables(), 0.9);
        Query otherVariables = new Query("acme", base.modelId(), base.system(), near, base.context(), 0.0,
                base.maxTokens(), base.template(), Map.of("country", "PE"), 0.9);
        Query otherVersion = new Query("acme", base.modelId(), base.system(), near, base.context(), 0.0,
                base.maxTokens(), "capitals@3", base.variables(), 0.9);
        Query otherContext = new Query("acme", base.modelId(), base.system(), near, "ctx-2", 0.0, base.maxTokens(),
                base.template(), base.variables(), 0.9);
        Query notOptedIn = withThreshold(base, null);

        for (Query refused : List.of(otherTenant, sampled, otherVariables, otherVersion, otherContext, notOptedIn)) {
            assertThat(cache.lookup(refused)).as(refused.toString()).isEqualTo(Lookup.miss());
        }
        assertThat(cache.lookup(base).outcome()).as("the same query is still a hit").isEqualTo(Outcome.SEMANTIC);
    }

    @Test
    void aSampledAnswerIsNeverKeptForTheSemanticCache() {
        Query sampled = new Query("acme", "m", null, "tell me the capital of France please", "ctx-1", 0.7, 256,
                "capitals@2", Map.of(), 0.9);
        cache.store(sampled, ANSWER);

        Query nearAtZero = new Query("acme", "m", null, "Tell me the capital of France", "ctx-1", 0.0, 256,
                "capitals@2", Map.of(), 0.9);
        assertThat(cache.lookup(nearAtZero)).isEqualTo(Lookup.miss());
        assertThat(embedder.calls).hasValue(1);
    }

    @Test
    void aSemanticEntryExpiresToo() {
        cache.store(semantic("acme", "tell me the capital of France please"), ANSWER);
        clock.advance(Duration.ofHours(24));

        assertThat(cache.lookup(semantic("acme", "Tell me the capital of France"))).isEqualTo(Lookup.miss());
    }

    @Test
    void anEmbedderThatFailsSkipsTheSemanticCacheOnly() {
        embedder.failure = new IllegalStateException("embedder_unavailable");
        Query q = semantic("acme", "Tell me the capital of France");

        assertThat(cache.lookup(q)).isEqualTo(Lookup.miss());
        cache.store(q, ANSWER);

        assertThat(cache.lookup(q).outcome()).as("the exact entry was stored").isEqualTo(Outcome.HIT);
        assertThat(log.list).hasSize(1);
    }

    // --- a store that is down

    @Test
    void aStoreThatRefusesConnectionsIsBypassedQuicklyWithOneLogLine() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        try (DynamoDbClient down = client(closedPort)) {
            DynamoDbResponseCache bypassed = new DynamoDbResponseCache(down, "sluice-ai-cache", () -> embedder,
                    metrics.metrics(), clock, Duration.ofMillis(500));

            // The first call also loads the SDK's classes, which its timeout does not cover: leave it out of the time.
            List<Lookup> lookups = new ArrayList<>(List.of(bypassed.lookup(semantic("acme", "question"))));
            bypassed.store(semantic("acme", "question"), ANSWER);
            long started = System.nanoTime();
            for (int i = 1; i < 20; i++) {
                Query q = semantic("acme", "question " + i);
                lookups.add(bypassed.lookup(q));
                bypassed.store(q, ANSWER);
            }
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(lookups).hasSize(20).containsOnly(Lookup.bypass());
            // Each refused call takes the SDK's retries (about 250 ms): after the first few the breaker skips the store.
            assertThat(took).isLessThan(Duration.ofSeconds(5));
            assertThat(log.list).hasSize(1);
            assertThat(log.list.get(0).getFormattedMessage()).startsWith("response cache bypassed");

            clock.advance(Duration.ofMinutes(1));
            assertThat(bypassed.lookup(semantic("acme", "one more"))).isEqualTo(Lookup.bypass());
            assertThat(log.list).hasSize(2);
            assertThat(log.list.get(1).getFormattedMessage()).contains("39 more like it");
        }
    }

    @Test
    void aStoreThatDoesNotAnswerIsBypassedAtTheCallTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                DynamoDbClient hanging = client(silent.getLocalPort())) {
            List<Socket> accepted = new ArrayList<>();
            Thread acceptor = Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept());
                    }
                } catch (Exception closed) {
                    // the test is over
                }
            });
            DynamoDbResponseCache bypassed = new DynamoDbResponseCache(hanging, "sluice-ai-cache", () -> embedder,
                    metrics.metrics(), clock, Duration.ofMillis(300));

            long started = System.nanoTime();
            Lookup lookup = bypassed.lookup(query("acme", "What is the capital of France?"));

            assertThat(lookup).isEqualTo(Lookup.bypass());
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
            silent.close();
            acceptor.join();
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    @Test
    void aStoreThatKeepsFailingIsLeftAloneForAWhileThenTriedAgain() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        try (ServerSocket hangingUp = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                DynamoDbClient failing = client(hangingUp.getLocalPort())) {
            Thread acceptor = Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        hangingUp.accept().close();
                        connections.incrementAndGet();
                    }
                } catch (Exception closed) {
                    // the test is over
                }
            });
            DynamoDbResponseCache bypassed = new DynamoDbResponseCache(failing, "sluice-ai-cache", () -> embedder,
                    metrics.metrics(), clock, Duration.ofMillis(500));

            for (int i = 0; i < 3; i++) {
                assertThat(bypassed.lookup(query("acme", "question " + i))).isEqualTo(Lookup.bypass());
            }
            int tried = connections.get();
            for (int i = 3; i < 30; i++) {
                assertThat(bypassed.lookup(query("acme", "question " + i))).isEqualTo(Lookup.bypass());
            }
            assertThat(tried).isPositive();
            assertThat(connections).as("no call reached the store while the breaker was open").hasValue(tried);

            clock.advance(DynamoDbResponseCache.STORE_REST.plusSeconds(1));
            assertThat(bypassed.lookup(query("acme", "question 30"))).isEqualTo(Lookup.bypass());
            assertThat(connections.get()).as("one call tried the store again").isGreaterThan(tried);
            hangingUp.close();
            acceptor.join();
        }
    }

    /** A client with no timeouts of its own: the cache's per-call timeout is what must cut a silent store short. */
    private static DynamoDbClient client(int port) {
        return DynamoDbClient.builder().endpointOverride(URI.create("http://127.0.0.1:" + port))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("key", "secret")))
                .build();
    }

    // --- metrics

    @Test
    void everyLookupCountsAHitOrAMissByOutcomeSoTheHitRateCanBeComputed() {
        Query exact = query("acme", "What is the capital of France?");
        cache.lookup(exact);
        cache.store(exact, ANSWER);
        cache.lookup(exact);
        cache.store(semantic("acme", "tell me the capital of France please"), ANSWER);
        cache.lookup(semantic("acme", "Tell me the capital of France"));
        cache.lookup(query("acme", "unknown"));

        List<JsonNode> documents = metrics.withDimensions("outcome");
        assertThat(documents).hasSize(4);
        assertThat(documents).extracting(d -> d.path("outcome").asText()).containsExactly("miss", "hit", "semantic",
                "miss");
        double hits = documents.stream().mapToDouble(d -> KeptMetrics.values(d, "CacheHit").stream()
                .mapToDouble(Double::doubleValue).sum()).sum();
        double misses = documents.stream().mapToDouble(d -> KeptMetrics.values(d, "CacheMiss").stream()
                .mapToDouble(Double::doubleValue).sum()).sum();
        assertThat(hits / (hits + misses)).isEqualTo(0.5);
        assertThat(documents).allSatisfy(d -> assertThat(d.path("tenantId").asText()).isEqualTo("acme"));
    }

    private String tableOf() {
        return DynamoDbResponseCache.TABLE + "-" + TABLES.get();
    }
}
