package dev.sluice.workers.ai.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import dev.sluice.workers.ai.gateway.Route;
import dev.sluice.workers.support.TestClock;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
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
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Against DynamoDB Local in-process, so the counters, conditions and the rollback transaction run for real. */
class DynamoDbCanaryStoreTest {

    static final Instant WINDOW_START = Instant.parse("2026-12-02T06:00:00Z");
    static final Duration OK_LATENCY = Duration.ofSeconds(1);
    static final BigDecimal OK_COST = new BigDecimal("0.001");

    private static CanaryTable table;
    private static final AtomicInteger ROUTES = new AtomicInteger();

    private final TestClock clock = new TestClock(WINDOW_START.plusSeconds(30));
    private final DynamoDbCanaryStore store = new DynamoDbCanaryStore(table.dynamoDb, CanaryTable.NAME, clock,
            Duration.ZERO);

    /** What the store logs, caught at logback: the lines a function's log would get. */
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

    @BeforeEach
    void catchLogs() {
        logged.start();
        ((Logger) LoggerFactory.getLogger(DynamoDbCanaryStore.class)).addAppender(logged);
    }

    @AfterEach
    void releaseLogs() {
        ((Logger) LoggerFactory.getLogger(DynamoDbCanaryStore.class)).detachAppender(logged);
    }

    private List<String> rollbackLines() {
        return logged.list.stream().filter(e -> e.getFormattedMessage().startsWith("canary rolled back"))
                .map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
    }

    @BeforeAll
    static void startDynamoDb() {
        table = new CanaryTable();
    }

    @AfterAll
    static void stopDynamoDb() {
        table.close();
    }

    /** 10 % to the candidate, limits 5 % errors, 5 s p95, $0.01 a request, over 10 minutes with 20 requests. */
    static Route.Canary canary(int percent) {
        return new Route.Canary("candidate-1", percent, 0.05, Duration.ofSeconds(5), new BigDecimal("0.01"),
                Duration.ofMinutes(10), 20);
    }

    /** Each test its own route, so they share the table without meeting. */
    static Route route(Route.Canary canary) {
        return new Route("sonnet" + ROUTES.incrementAndGet(), "primary-1", List.of(), null, null, canary);
    }

    private void record(Route route, int times, boolean error, Duration latency, BigDecimal cost) {
        for (int i = 0; i < times; i++) {
            store.record(route, new CanaryOutcome(error, latency, cost));
        }
    }

    @Test
    void rollsBackWhenTheErrorRatePassesItsLimitAndRecordsTheFigures() {
        Route route = route(canary(10));
        record(route, 2, true, OK_LATENCY, null);
        record(route, 17, false, OK_LATENCY, OK_COST);
        assertThat(store.percent(route)).as("19 requests: below the minimum, no verdict yet").isEqualTo(10);

        clock.advance(Duration.ofSeconds(5));
        record(route, 1, false, OK_LATENCY, OK_COST);

        assertThat(store.percent(route)).isZero();
        assertThat(store.rollbacks(route)).containsExactly(new CanaryRollback(route.modelType(), "candidate-1", 10,
                List.of("error_rate"), 0.1, Duration.ofMillis(1000), new BigDecimal("0.001"), 20, WINDOW_START,
                WINDOW_START.plus(Duration.ofMinutes(10)), WINDOW_START.plusSeconds(35)));
        Map<String, AttributeValue> state = item(route, "state");
        assertThat(state.get("percent").n()).isEqualTo("0");
        assertThat(state.get("configuredPercent").n()).isEqualTo("10");
        assertThat(state.get("rollbacks").n()).isEqualTo("1");
        assertThat(rollbackLines()).containsExactly(Level.WARN + " canary rolled back to 0 %: route="
                + route.modelType() + " candidate=candidate-1 fromPercent=10 reasons=[error_rate] errorRate=0.1 "
                + "p95Ms=1000 costPerRequestUsd=0.001 requests=20 errors=2 "
                + "window=2026-12-02T06:00:00Z/2026-12-02T06:10:00Z");
    }

    @Test
    void rollsBackWhenTheP95LatencyPassesItsLimit() {
        Route route = route(canary(10));
        record(route, 18, false, OK_LATENCY, OK_COST);
        record(route, 2, false, Duration.ofMillis(5500), OK_COST);

        assertThat(store.percent(route)).isZero();
        CanaryRollback rollback = store.rollbacks(route).get(0);
        assertThat(rollback.reasons()).containsExactly("p95_latency");
        // 2 of 20 above 5 s: the 19th latency is in the (5 s, 6 s] bucket, reported at its bound.
        assertThat(rollback.p95()).isEqualTo(Duration.ofSeconds(6));
        assertThat(rollback.errorRate()).isZero();
        assertThat(rollback.requests()).isEqualTo(20);
    }

    @Test
    void oneSlowCallInTwentyIsWithinAP95OfFiveSeconds() {
        Route route = route(canary(10));
        record(route, 19, false, Duration.ofMillis(4900), OK_COST);
        record(route, 1, false, Duration.ofSeconds(30), OK_COST);

        assertThat(store.percent(route)).isEqualTo(10);
        assertThat(store.rollbacks(route)).isEmpty();
    }

    @Test
    void rollsBackWhenTheCostPerRequestPassesItsLimit() {
        Route route = route(canary(10));
        record(route, 19, false, OK_LATENCY, new BigDecimal("0.012"));
        record(route, 1, true, OK_LATENCY, null);

        assertThat(store.percent(route)).isZero();
        CanaryRollback rollback = store.rollbacks(route).get(0);
        assertThat(rollback.reasons()).containsExactly("cost_per_request");
        // Over the 19 priced answers; the failed call had no cost to count.
        assertThat(rollback.costPerRequestUsd()).isEqualByComparingTo("0.012");
        assertThat(rollback.errorRate()).isEqualTo(0.05);
    }

    @Test
    void aRollbackIsRecordedOnceWhenTwoInstancesSeeTheBreach() {
        Route route = route(canary(10));
        // Another instance that read the state before the rollback and keeps it for 10 minutes.
        DynamoDbCanaryStore otherInstance = new DynamoDbCanaryStore(table.dynamoDb, CanaryTable.NAME, clock,
                Duration.ofMinutes(10));
        assertThat(otherInstance.percent(route)).isEqualTo(10);
        record(route, 20, true, OK_LATENCY, null);
        clock.advance(Duration.ofSeconds(1));

        otherInstance.record(route, new CanaryOutcome(true, OK_LATENCY, null));

        assertThat(store.rollbacks(route)).hasSize(1);
        assertThat(store.rollbacks(route).get(0).requests()).isEqualTo(20);
        assertThat(rollbackLines()).hasSize(1);
        assertThat(item(route, "state").get("rollbacks").n()).isEqualTo("1");
        assertThat(otherInstance.percent(route)).as("its lost race told it").isZero();
    }

    @Test
    void countsRestartWithEachWindow() {
        Route route = route(canary(10));
        record(route, 19, true, OK_LATENCY, null);
        clock.advance(Duration.ofMinutes(10));
        record(route, 19, false, OK_LATENCY, OK_COST);
        record(route, 1, true, OK_LATENCY, null);

        assertThat(store.percent(route)).isEqualTo(10);
        assertThat(store.rollbacks(route)).isEmpty();
    }

    @Test
    void aNewConfiguredPercentResumesARolledBackCanary() {
        Route route = route(canary(10));
        record(route, 20, true, OK_LATENCY, null);
        assertThat(store.percent(route)).isZero();

        Route raised = new Route(route.modelType(), route.modelId(), List.of(), null, null, canary(20));

        assertThat(store.percent(raised)).isEqualTo(20);
    }

    @Test
    void aStoreThatCannotBeReachedSendsEverybodyToThePrimary() {
        try (DynamoDbClient unreachable = DynamoDbClient.builder().endpointOverride(URI.create("http://127.0.0.1:9"))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "y")))
                .overrideConfiguration(c -> c.retryStrategy(r -> r.maxAttempts(1))).build()) {
            DynamoDbCanaryStore down = new DynamoDbCanaryStore(unreachable, CanaryTable.NAME, clock, Duration.ZERO);
            Route route = route(canary(50));

            assertThat(down.percent(route)).isZero();
            down.record(route, new CanaryOutcome(true, OK_LATENCY, null));
        }
    }

    private Map<String, AttributeValue> item(Route route, String sk) {
        return table.dynamoDb.getItem(b -> b.tableName(CanaryTable.NAME).key(Map.of(
                "pk", AttributeValue.fromS(route.modelType() + "#" + route.canary().modelId()),
                "sk", AttributeValue.fromS(sk)))).item();
    }
}
