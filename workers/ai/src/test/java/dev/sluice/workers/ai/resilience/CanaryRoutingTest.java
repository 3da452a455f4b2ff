package dev.sluice.workers.ai.resilience;

import static dev.sluice.core.ai.ModelFailure.Kind.THROTTLED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.ai.DeltaSink;
import dev.sluice.core.ai.TokenUsage;
import dev.sluice.workers.ai.gateway.ModelRouter.Routed;
import dev.sluice.workers.ai.gateway.Pricing;
import dev.sluice.workers.ai.gateway.Route;
import dev.sluice.workers.support.TestClock;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The router with its canary store on DynamoDB Local: who goes where, what is counted, and the rollback. */
class CanaryRoutingTest {

    private static CanaryTable table;
    private static final AtomicInteger ROUTES = new AtomicInteger();

    /** $1 per thousand input tokens, $2 per thousand output tokens, whatever the model. */
    static final Pricing PRICING = new Pricing() {
        @Override
        public BigDecimal cost(String modelId, TokenUsage usage) {
            return new BigDecimal(usage.inputTokens()).multiply(new BigDecimal("0.001"))
                    .add(new BigDecimal(usage.outputTokens()).multiply(new BigDecimal("0.002")));
        }

        @Override
        public BigDecimal worstCase(String modelId, int promptTokens, int maxTokens) {
            throw new AssertionError("the router never reserves");
        }
    };

    private final TestClock clock = new TestClock(Instant.parse("2026-12-02T06:00:00Z"));
    private final Map<String, ScriptedModel> models = new HashMap<>();
    private final DynamoDbCanaryStore store = new DynamoDbCanaryStore(table.dynamoDb, CanaryTable.NAME, clock,
            Duration.ZERO);
    private final ResilientModelRouter router = new ResilientModelRouter(models::get, store, PRICING,
            ResilienceSettings.defaults(), clock, clock::advance, () -> 0.5);

    @BeforeAll
    static void startDynamoDb() {
        table = new CanaryTable();
    }

    @AfterAll
    static void stopDynamoDb() {
        table.close();
    }

    private ScriptedModel model(String id) {
        return models.computeIfAbsent(id, m -> new ScriptedModel(m, clock));
    }

    /** Limits: 5 % errors, 5 s p95, $0.05 a request, over 10 minutes with at least 5 requests. */
    private static Route route(int percent) {
        return new Route("sonnet" + ROUTES.incrementAndGet(), "sonnet-1", List.of("haiku-1"), null, null,
                new Route.Canary("nova-1", percent, 0.05, Duration.ofSeconds(5), new BigDecimal("0.05"),
                        Duration.ofMinutes(10), 5));
    }

    @Test
    void theSampledUsersGoToTheCandidateAndTheOthersToTheRoutesModel() {
        Route route = route(30);
        model("nova-1").answers("from nova");
        model("sonnet-1").answers("from sonnet");
        List<String> sampled = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String user = "user-" + i;
            Routed routed = router.call(route, user, ResilientModelRouterTest.REQUEST, DeltaSink.NONE);
            boolean expected = CanarySplit.toCandidate("nova-1", user, 30);
            assertThat(routed.canary()).as(user).isEqualTo(expected);
            assertThat(routed.modelId()).isEqualTo(expected ? "nova-1" : "sonnet-1");
            assertThat(routed.fallbackFrom()).isNull();
            if (expected) {
                sampled.add(user);
            }
        }
        assertThat(sampled).hasSizeBetween(15, 45);
        assertThat(model("nova-1").calls()).isEqualTo(sampled.size());
        assertThat(store.rollbacks(route)).isEmpty();
    }

    @Test
    void aFailingCandidateIsNotRetriedItsUsersGetTheRoutesModelAndItIsRolledBack() {
        Route route = route(100);
        model("nova-1").fails(THROTTLED);
        model("sonnet-1").answers("from sonnet");

        for (int i = 0; i < 5; i++) {
            Routed routed = router.call(route, "user-" + i, ResilientModelRouterTest.REQUEST, DeltaSink.NONE);
            assertThat(routed).isEqualTo(new Routed(routed.reply(), "sonnet-1", false, "nova-1", "model_throttled"));
        }
        assertThat(model("nova-1").calls()).isEqualTo(5);

        Routed after = router.call(route, "user-0", ResilientModelRouterTest.REQUEST, DeltaSink.NONE);

        assertThat(model("nova-1").calls()).as("after the rollback, nobody is sent to the candidate").isEqualTo(5);
        assertThat(after).isEqualTo(new Routed(after.reply(), "sonnet-1", false, null, null));
        CanaryRollback rollback = store.rollbacks(route).get(0);
        assertThat(rollback.reasons()).containsExactly("error_rate");
        assertThat(rollback.errorRate()).isEqualTo(1.0);
        assertThat(rollback.requests()).isEqualTo(5);
    }

    @Test
    void aSlowCandidateIsRolledBackOnItsP95AsTheRouterTimedIt() {
        Route route = route(100);
        model("nova-1").answersAfter(Duration.ofMillis(7200), new TokenUsage(10, 10, 0, 0), "slow");
        for (int i = 0; i < 5; i++) {
            assertThat(router.call(route, "user-" + i, ResilientModelRouterTest.REQUEST, DeltaSink.NONE).canary())
                    .isTrue();
        }

        CanaryRollback rollback = store.rollbacks(route).get(0);
        assertThat(rollback.reasons()).containsExactly("p95_latency");
        assertThat(rollback.p95()).isEqualTo(Duration.ofSeconds(8));
        assertThat(store.percent(route)).isZero();
    }

    @Test
    void anExpensiveCandidateIsRolledBackOnItsCostPerRequestFromItsUsage() {
        Route route = route(100);
        // 20 input and 30 output tokens: $0.02 + $0.06 = $0.08 a request, over the $0.05 limit.
        model("nova-1").answersAfter(Duration.ofMillis(300), new TokenUsage(20, 30, 0, 0), "dear");
        for (int i = 0; i < 5; i++) {
            router.call(route, "user-" + i, ResilientModelRouterTest.REQUEST, DeltaSink.NONE);
        }

        CanaryRollback rollback = store.rollbacks(route).get(0);
        assertThat(rollback.reasons()).containsExactly("cost_per_request");
        assertThat(rollback.costPerRequestUsd()).isEqualByComparingTo("0.08");
        assertThat(rollback.p95()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void anUnpricedCandidatesAnswerStandsWithoutACost() {
        Route route = route(100);
        model("nova-1").answers("from nova");
        ResilientModelRouter unpriced = new ResilientModelRouter(models::get, store, new Pricing() {
            @Override
            public BigDecimal cost(String modelId, TokenUsage usage) {
                throw new IllegalArgumentException("no price for " + modelId);
            }

            @Override
            public BigDecimal worstCase(String modelId, int promptTokens, int maxTokens) {
                throw new AssertionError("the router never reserves");
            }
        }, ResilienceSettings.defaults(), clock, clock::advance, () -> 0.5);

        Routed routed = unpriced.call(route, "user-1", ResilientModelRouterTest.REQUEST, DeltaSink.NONE);

        assertThat(routed.reply().text()).isEqualTo("from nova");
        assertThat(routed.canary()).isTrue();
    }

    @Test
    void aCandidatesStreamBrokenMidwayIsResetBeforeTheRoutesModelStreams() {
        Route route = route(100);
        model("nova-1").breaksAfter("Bon");
        model("sonnet-1").answers("Hello");
        RecordingSink client = new RecordingSink();

        Routed routed = router.call(route, "user-1", ResilientModelRouterTest.REQUEST, client);

        assertThat(client.events).containsExactly("Bon", "<reset:model_stream_broken>", "Hello");
        assertThat(routed.fallbackFrom()).isEqualTo("nova-1");
    }
}
