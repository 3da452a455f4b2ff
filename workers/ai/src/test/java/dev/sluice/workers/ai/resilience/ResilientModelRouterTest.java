package dev.sluice.workers.ai.resilience;

import static dev.sluice.core.ai.ModelFailure.Kind.ACCESS_DENIED;
import static dev.sluice.core.ai.ModelFailure.Kind.INVALID_REQUEST;
import static dev.sluice.core.ai.ModelFailure.Kind.THROTTLED;
import static dev.sluice.core.ai.ModelFailure.Kind.TIMEOUT;
import static dev.sluice.core.ai.ModelFailure.Kind.UNAVAILABLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.sluice.core.ai.ChatMessage;
import dev.sluice.core.ai.ChatRequest;
import dev.sluice.core.ai.DeltaSink;
import dev.sluice.core.ai.ModelFailure;
import dev.sluice.workers.ai.gateway.ModelRouter.Routed;
import dev.sluice.workers.ai.gateway.Route;
import dev.sluice.workers.support.TestClock;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

class ResilientModelRouterTest {

    static final ChatRequest REQUEST = new ChatRequest("whatever", "Be brief.", List.of(ChatMessage.user("Hi")), 0.0,
            100, null);
    static final Route SONNET = new Route("sonnet", "sonnet-1", List.of("haiku-1"), null, null, null);
    static final Route SONNET_TWO_FALLBACKS = new Route("sonnet", "sonnet-1", List.of("haiku-1", "haiku-2"), null,
            null, null);

    /** Routes without a canary never ask the store. */
    static final CanaryStore NO_CANARIES = new CanaryStore() {
        @Override
        public int percent(Route route) {
            throw new AssertionError("no canary on " + route);
        }

        @Override
        public void record(Route route, CanaryOutcome outcome) {
            throw new AssertionError("no canary on " + route);
        }
    };

    private final TestClock clock = new TestClock(Instant.parse("2026-12-02T06:00:00Z"));
    private final List<Duration> waits = new ArrayList<>();
    private final Map<String, ScriptedModel> models = new HashMap<>();

    private ScriptedModel model(String id) {
        return models.computeIfAbsent(id, m -> new ScriptedModel(m, clock));
    }

    private ResilientModelRouter router(ResilienceSettings settings, DoubleSupplier random) {
        return new ResilientModelRouter(this::existing, NO_CANARIES, null, settings, clock, d -> {
            waits.add(d);
            clock.advance(d);
        }, random);
    }

    private ResilientModelRouter router() {
        return router(ResilienceSettings.defaults(), () -> 0.5);
    }

    private ScriptedModel existing(String id) {
        ScriptedModel model = models.get(id);
        if (model == null) {
            throw new AssertionError("unexpected model " + id);
        }
        return model;
    }

    private static DoubleSupplier sequence(double... values) {
        Deque<Double> queue = new ArrayDeque<>();
        for (double value : values) {
            queue.add(value);
        }
        return queue::pop;
    }

    @Test
    void retriesTransientFailuresAfter1s2s4sWithFullJitter() {
        model("sonnet-1").fails(THROTTLED).fails(TIMEOUT).fails(UNAVAILABLE).answers("Hello");
        model("haiku-1");

        Routed routed = router(ResilienceSettings.defaults(), sequence(0.5, 0.25, 0.999))
                .call(SONNET, "u-1", REQUEST, DeltaSink.NONE);

        assertThat(routed.reply().text()).isEqualTo("Hello");
        assertThat(routed.modelId()).isEqualTo("sonnet-1");
        assertThat(routed.fallbackFrom()).isNull();
        assertThat(routed.fallbackReason()).isNull();
        assertThat(routed.canary()).isFalse();
        assertThat(model("sonnet-1").calls()).isEqualTo(4);
        assertThat(model("sonnet-1").requests).allSatisfy(r -> assertThat(r.modelId()).isEqualTo("sonnet-1"));
        // Uniform draws of 0.5, 0.25 and 0.999 times the bases 1 s, 2 s, 4 s.
        assertThat(waits).containsExactly(Duration.ofMillis(500), Duration.ofMillis(500), Duration.ofMillis(3996));
    }

    @Test
    void jitteredWaitsStayBetweenZeroAndTheirBase() {
        Random random = new Random(12);
        for (int run = 0; run < 50; run++) {
            models.clear();
            waits.clear();
            model("sonnet-1").fails(THROTTLED).fails(THROTTLED).fails(THROTTLED).answers("ok");
            router(ResilienceSettings.defaults(), random::nextDouble).call(SONNET, "u-1", REQUEST, DeltaSink.NONE);

            assertThat(waits).hasSize(3);
            assertThat(waits.get(0)).isBetween(Duration.ZERO, Duration.ofSeconds(1));
            assertThat(waits.get(1)).isBetween(Duration.ZERO, Duration.ofSeconds(2));
            assertThat(waits.get(2)).isBetween(Duration.ZERO, Duration.ofSeconds(4));
        }
    }

    @Test
    void waitsAtLeastTheRetryAfterTheProviderGave() {
        model("sonnet-1").fails(THROTTLED, Duration.ofSeconds(3)).fails(THROTTLED, Duration.ofMillis(200))
                .answers("ok");

        router(ResilienceSettings.defaults(), () -> 0.9).call(SONNET, "u-1", REQUEST, DeltaSink.NONE);

        // 3 s asked beats 0.9 × 1 s; 0.9 × 2 s beats 200 ms asked.
        assertThat(waits).containsExactly(Duration.ofSeconds(3), Duration.ofMillis(1800));
    }

    @Test
    void aRetryAfterLongerThanACallMayWaitMovesOnToTheFallback() {
        model("sonnet-1").fails(THROTTLED, Duration.ofSeconds(60));
        model("haiku-1").answers("from haiku");

        Routed routed = router().call(SONNET, "u-1", REQUEST, DeltaSink.NONE);

        assertThat(model("sonnet-1").calls()).isEqualTo(1);
        assertThat(waits).isEmpty();
        assertThat(routed.modelId()).isEqualTo("haiku-1");
        assertThat(routed.fallbackReason()).isEqualTo("model_throttled");
    }

    @Test
    void theWaitsOfOneCallStayWithinItsBoundAcrossModels() {
        model("sonnet-1").fails(THROTTLED, Duration.ofSeconds(8)).fails(THROTTLED, Duration.ofSeconds(8));
        model("haiku-1").fails(THROTTLED, Duration.ofSeconds(6)).answers("from haiku");

        Routed routed = router().call(SONNET, "u-1", REQUEST, DeltaSink.NONE);

        // 8 s waited; another 8 s would pass the 15 s bound, so haiku at once; its 6 s still fits.
        assertThat(waits).containsExactly(Duration.ofSeconds(8), Duration.ofSeconds(6));
        assertThat(model("sonnet-1").calls()).isEqualTo(2);
        assertThat(model("haiku-1").calls()).isEqualTo(2);
        assertThat(routed.modelId()).isEqualTo("haiku-1");
        assertThat(routed.fallbackReason()).isEqualTo("model_throttled");
    }

    @Test
    void anInvalidRequestFailsAtOnceWithoutRetryNorFallback() {
        model("sonnet-1").fails(INVALID_REQUEST);
        model("haiku-1").answers("never");

        ModelFailure failure = catchThrowableOfType(ModelFailure.class,
                () -> router().call(SONNET, "u-1", REQUEST, DeltaSink.NONE));

        assertThat(failure.kind()).isEqualTo(INVALID_REQUEST);
        assertThat(failure.retryable()).isFalse();
        assertThat(model("sonnet-1").calls()).isEqualTo(1);
        assertThat(model("haiku-1").calls()).isZero();
        assertThat(waits).isEmpty();
    }

    @Test
    void aModelDeniedIsNotRetriedButItsFallbackIsTried() {
        model("sonnet-1").fails(ACCESS_DENIED);
        model("haiku-1").answers("from haiku");

        Routed routed = router().call(SONNET, "u-1", REQUEST, DeltaSink.NONE);

        assertThat(model("sonnet-1").calls()).isEqualTo(1);
        assertThat(waits).isEmpty();
        assertThat(routed).isEqualTo(new Routed(routed.reply(), "haiku-1", false, "sonnet-1", "model_access_denied"));
    }

    @Test
    void whenRetriesAreExhaustedTheFallbackAnswersAndSaysWhy() {
        model("sonnet-1").fails(THROTTLED);
        model("haiku-1").fails(TIMEOUT).answers("from haiku");

        Routed routed = router().call(SONNET, "u-1", REQUEST, DeltaSink.NONE);

        assertThat(routed.reply().text()).isEqualTo("from haiku");
        assertThat(routed.modelId()).isEqualTo("haiku-1");
        assertThat(routed.fallbackFrom()).isEqualTo("sonnet-1");
        assertThat(routed.fallbackReason()).isEqualTo("model_throttled");
        assertThat(model("sonnet-1").calls()).isEqualTo(4);
        assertThat(model("haiku-1").calls()).isEqualTo(2);
        assertThat(model("haiku-1").requests).allSatisfy(r -> assertThat(r.modelId()).isEqualTo("haiku-1"));
        // Three retries of the route's model, one of the fallback: 0.5 × (1 s, 2 s, 4 s) then 0.5 × 1 s.
        assertThat(waits).containsExactly(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2),
                Duration.ofMillis(500));
    }

    @Test
    void whenEveryModelFailsTheLastFailureIsThrownRetryable() {
        model("sonnet-1").fails(THROTTLED);
        model("haiku-1").fails(UNAVAILABLE);
        model("haiku-2").fails(TIMEOUT);

        ModelFailure failure = catchThrowableOfType(ModelFailure.class,
                () -> router().call(SONNET_TWO_FALLBACKS, "u-1", REQUEST, DeltaSink.NONE));

        assertThat(failure.kind()).isEqualTo(TIMEOUT);
        assertThat(failure.getMessage()).isEqualTo("haiku-2 TIMEOUT");
        assertThat(failure.retryable()).isTrue();
        assertThat(failure.getSuppressed()).hasSize(4 + 2 + 1);
        assertThat(model("sonnet-1").calls() + model("haiku-1").calls() + model("haiku-2").calls()).isEqualTo(8);
    }

    @Test
    void anOpenCircuitSendsTheCallToTheFallbackWithoutCallingItsModel() {
        ResilienceSettings settings = new ResilienceSettings(List.of(), List.of(), Duration.ofSeconds(10), 4, 4, 50f,
                Duration.ofSeconds(30), 2);
        ResilientModelRouter router = router(settings, () -> 0.5);
        model("sonnet-1").fails(THROTTLED);
        model("haiku-1").answers("from haiku");
        for (int i = 0; i < 4; i++) {
            assertThat(router.call(SONNET, "u-1", REQUEST, DeltaSink.NONE).fallbackReason())
                    .isEqualTo("model_throttled");
        }
        assertThat(router.breakerState("sonnet-1")).isEqualTo(CircuitBreaker.State.OPEN);

        Routed routed = router.call(SONNET, "u-1", REQUEST, DeltaSink.NONE);

        assertThat(model("sonnet-1").calls()).isEqualTo(4);
        assertThat(routed.modelId()).isEqualTo("haiku-1");
        assertThat(routed.fallbackFrom()).isEqualTo("sonnet-1");
        assertThat(routed.fallbackReason()).isEqualTo("circuit_open");
    }

    @Test
    void permanentFailuresDoNotOpenTheCircuit() {
        ResilienceSettings settings = new ResilienceSettings(List.of(), List.of(), Duration.ofSeconds(10), 4, 4, 50f,
                Duration.ofSeconds(30), 2);
        ResilientModelRouter router = router(settings, () -> 0.5);
        model("sonnet-1").fails(INVALID_REQUEST);
        for (int i = 0; i < 10; i++) {
            catchThrowableOfType(ModelFailure.class, () -> router.call(SONNET, "u-1", REQUEST, DeltaSink.NONE));
        }

        assertThat(router.breakerState("sonnet-1")).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(model("sonnet-1").calls()).isEqualTo(10);
    }

    @Test
    void aStreamBrokenMidwayIsResetOnceThenTheFallbackStreams() {
        ResilienceSettings noRetries = new ResilienceSettings(List.of(), List.of(), Duration.ofSeconds(10), 20, 10,
                50f, Duration.ofSeconds(30), 3);
        model("sonnet-1").breaksAfter("Hel", "lo, wor");
        model("haiku-1").answers("Hello", ", world");
        RecordingSink client = new RecordingSink();

        Routed routed = router(noRetries, () -> 0.5).call(SONNET, "u-1", REQUEST, client);

        assertThat(client.events).containsExactly("Hel", "lo, wor", "<reset:model_stream_broken>", "Hello", ", world");
        assertThat(client.text()).isEqualTo(routed.reply().text()).isEqualTo("Hello, world");
        assertThat(routed.fallbackReason()).isEqualTo("model_stream_broken");
        assertThat(model("haiku-1").streamed).isEqualTo(1);
    }

    @Test
    void aRetriedStreamIsResetBeforeEachAttemptThatFollowsText() {
        model("sonnet-1").breaksAfter("Hel").fails(THROTTLED).answers("Hello");
        RecordingSink client = new RecordingSink();

        router().call(SONNET, "u-1", REQUEST, client);

        // The throttled attempt sent nothing, so the third needs no second reset.
        assertThat(client.events).containsExactly("Hel", "<reset:model_stream_broken>", "Hello");
    }

    @Test
    void aStreamThatFailsBeforeItsFirstTextIsNotReset() {
        model("sonnet-1").fails(THROTTLED).answers("Hel", "lo");
        RecordingSink client = new RecordingSink();

        router().call(SONNET, "u-1", REQUEST, client);

        assertThat(client.events).containsExactly("Hel", "lo");
    }

    @Test
    void withoutASinkTheModelIsAskedForAWholeAnswer() {
        model("sonnet-1").answers("Hello");

        router().call(SONNET, "u-1", REQUEST, DeltaSink.NONE);

        assertThat(model("sonnet-1").streamed).isZero();
    }
}
