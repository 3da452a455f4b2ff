package dev.sluice.workers.ai.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.sluice.core.ai.ChatModel;
import dev.sluice.core.ai.ChatReply;
import dev.sluice.core.ai.ChatRequest;
import dev.sluice.core.ai.DeltaSink;
import dev.sluice.core.ai.ModelFailure;
import dev.sluice.core.ai.TokenUsage;
import dev.sluice.workers.ai.gateway.Route;
import dev.sluice.workers.support.TestClock;
import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * The router's breaker follows a model of what a count-based circuit breaker must do, for any sequence of
 * answers, transient failures, permanent failures and time passing: it opens only once the transient failures
 * reach the rate within the window (with its minimum of calls), never because of permanent failures; while open
 * the model is not called; after the cooldown it lets probes through and closes or opens again on their outcome.
 */
class BreakerProperties {

    static final int WINDOW = 5;
    static final int MINIMUM_CALLS = 3;
    static final float FAILURE_RATE = 50f;
    static final Duration OPEN_FOR = Duration.ofSeconds(10);
    static final int PROBES = 2;
    static final ResilienceSettings SETTINGS = new ResilienceSettings(List.of(), List.of(), Duration.ofSeconds(10),
            WINDOW, MINIMUM_CALLS, FAILURE_RATE, OPEN_FOR, PROBES);
    static final Route ROUTE = new Route("sonnet", "sonnet-1", List.of(), null, null, null);

    enum Outcome { ANSWER, TRANSIENT, PERMANENT }

    /** A call that ends with an outcome, or time passing. */
    record Step(Outcome call, Duration advance) {
        @Override
        public String toString() {
            return call != null ? call.name() : "+" + advance.toSeconds() + "s";
        }
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Step> call = Arbitraries.of(Outcome.class).map(o -> new Step(o, null));
        Arbitrary<Step> advance = Arbitraries.integers().between(1, 12).map(s -> new Step(null, Duration.ofSeconds(s)));
        return Arbitraries.frequencyOf(Tuple.of(5, call), Tuple.of(1, advance)).list().ofMinSize(10).ofMaxSize(80);
    }

    @Property(tries = 300)
    void theBreakerFollowsItsModel(@ForAll("steps") List<Step> steps) {
        TestClock clock = new TestClock(Instant.parse("2026-12-02T06:00:00Z"));
        OutcomeModel model = new OutcomeModel();
        ResilientModelRouter router = new ResilientModelRouter(id -> model, ResilientModelRouterTest.NO_CANARIES, null,
                SETTINGS, clock, d -> {
                    throw new AssertionError("no retries configured");
                }, () -> 0.5);
        BreakerModel expected = new BreakerModel();
        java.util.Set<String> seen = new java.util.HashSet<>();

        for (Step step : steps) {
            if (step.advance() != null) {
                clock.advance(step.advance());
                continue;
            }
            boolean permitted = expected.permits(clock.instant());
            int callsBefore = model.calls;
            model.next = step.call();
            ModelFailure failure = null;
            try {
                router.call(ROUTE, "u-1", ResilientModelRouterTest.REQUEST, DeltaSink.NONE);
            } catch (ModelFailure e) {
                failure = e;
            }

            assertThat(model.calls - callsBefore).as("model called at %s", step).isEqualTo(permitted ? 1 : 0);
            if (!permitted) {
                assertThat(failure.kind()).isEqualTo(ModelFailure.Kind.UNAVAILABLE);
                assertThat(failure.getMessage()).contains("circuit");
            } else {
                assertThat(failure == null).isEqualTo(step.call() == Outcome.ANSWER);
                if (step.call() == Outcome.TRANSIENT) {
                    expected.recorded(true, clock.instant());
                } else if (step.call() == Outcome.ANSWER) {
                    expected.recorded(false, clock.instant());
                }
            }
            assertThat(router.breakerState("sonnet-1")).as("after %s", step).isEqualTo(expected.state);
            seen.add(expected.state.name());
            if (!permitted) {
                seen.add("refused");
            }
        }
        // Not a vacuous pass: most sequences open the circuit, refuse calls and reach the probes.
        Statistics.collect(seen.contains("OPEN"), seen.contains("refused"), seen.contains("HALF_OPEN"));
        Statistics.coverage(coverage -> {
            coverage.check(true, true, true).percentage(p -> p > 25);
        });
    }

    @Property(tries = 100)
    void permanentFailuresNeverOpenTheCircuit(@ForAll("steps") List<Step> steps) {
        TestClock clock = new TestClock(Instant.parse("2026-12-02T06:00:00Z"));
        OutcomeModel model = new OutcomeModel();
        ResilientModelRouter router = new ResilientModelRouter(id -> model, ResilientModelRouterTest.NO_CANARIES, null,
                SETTINGS, clock, d -> { }, () -> 0.5);
        for (Step step : steps) {
            if (step.advance() != null) {
                clock.advance(step.advance());
                continue;
            }
            model.next = step.call() == Outcome.TRANSIENT ? Outcome.PERMANENT : step.call();
            catchThrowableOfType(ModelFailure.class,
                    () -> router.call(ROUTE, "u-1", ResilientModelRouterTest.REQUEST, DeltaSink.NONE));
            assertThat(router.breakerState("sonnet-1")).isEqualTo(State.CLOSED);
        }
    }

    /** The breaker as specified: a count-based window, a cooldown, then probes. */
    static final class BreakerModel {
        State state = State.CLOSED;
        final Deque<Boolean> window = new ArrayDeque<>();
        final List<Boolean> probes = new ArrayList<>();
        Instant openUntil;

        boolean permits(Instant now) {
            if (state == State.OPEN) {
                if (!now.isAfter(openUntil)) {
                    return false;
                }
                state = State.HALF_OPEN;
                probes.clear();
            }
            return state != State.HALF_OPEN || probes.size() < PROBES;
        }

        void recorded(boolean failed, Instant now) {
            if (state == State.CLOSED) {
                window.addLast(failed);
                if (window.size() > WINDOW) {
                    window.removeFirst();
                }
                if (window.size() >= MINIMUM_CALLS && rate(window) >= FAILURE_RATE) {
                    open(now);
                }
            } else if (state == State.HALF_OPEN) {
                probes.add(failed);
                if (probes.size() == PROBES) {
                    if (rate(probes) >= FAILURE_RATE) {
                        open(now);
                    } else {
                        state = State.CLOSED;
                        window.clear();
                    }
                }
            }
        }

        private void open(Instant now) {
            state = State.OPEN;
            openUntil = now.plus(OPEN_FOR);
        }

        private static float rate(java.util.Collection<Boolean> calls) {
            return 100f * calls.stream().filter(f -> f).count() / calls.size();
        }
    }

    /** A model that ends each call as told. */
    static final class OutcomeModel implements ChatModel {
        Outcome next;
        int calls;

        @Override
        public ChatReply reply(ChatRequest request) {
            calls++;
            return switch (next) {
                case ANSWER -> new ChatReply("ok", "test", request.modelId(), true, TokenUsage.NONE, "end_turn", null, 0);
                case TRANSIENT -> throw new ModelFailure(ModelFailure.Kind.THROTTLED, "slow down", null);
                case PERMANENT -> throw new ModelFailure(ModelFailure.Kind.INVALID_REQUEST, "bad request", null);
            };
        }
    }
}
