package dev.sluice.workers.ai.resilience;

import dev.sluice.core.ai.ChatModel;
import dev.sluice.core.ai.ChatReply;
import dev.sluice.core.ai.ChatRequest;
import dev.sluice.core.ai.DeltaSink;
import dev.sluice.core.ai.ModelFailure;
import dev.sluice.workers.ai.gateway.ModelRouter;
import dev.sluice.workers.ai.gateway.Pricing;
import dev.sluice.workers.ai.gateway.Route;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ModelRouter}: a canary's candidate first for the users it samples, then the route's model, then its
 * fallbacks in order, each behind its own circuit breaker and retried on transient failures.
 *
 * <ul>
 *   <li>A transient failure ({@link ModelFailure.Kind#retryable()}) is retried after the settings' backoffs with
 *       full jitter, at least the provider's Retry-After; then the next model is tried. A wait that would take the
 *       call past {@link ResilienceSettings#maxWaitPerCall()} is not waited: the next model is tried at once.
 *   <li>An invalid request fails at once: the fallback would refuse it too. A model that is denied or missing
 *       ({@code ACCESS_DENIED}, {@code NOT_FOUND}) is not retried either, but the next model is tried: those say
 *       something about that one model (no grant, not in this region), not about the request.
 *   <li>An open circuit skips its model without calling it ({@code circuit_open}).
 *   <li>The candidate of a canary gets one attempt and no retries: it is on trial, and a user whose call it fails
 *       gets the route's model instead, whatever the failure. Each call to it is recorded in the canary store.
 *   <li>With {@link DeltaSink#NONE} each model is asked for a whole answer; with any other sink it streams, and
 *       when an attempt that already streamed text is followed by another, the sink is reset first.
 *   <li>A null sticky key (no user) never goes to a canary.
 * </ul>
 * When every model failed, the last failure is thrown (the earlier ones suppressed in it).
 *
 * <p>The retry loop is written here rather than with resilience4j-retry: each attempt must ask the model's
 * breaker first, reset the stream, stop early on a long Retry-After, and wait through an injected sleeper.
 */
public final class ResilientModelRouter implements ModelRouter {

    private static final Logger LOG = LoggerFactory.getLogger(ResilientModelRouter.class);
    static final String CIRCUIT_OPEN = "circuit_open";

    private final Function<String, ChatModel> models;
    private final CanaryStore canaries;
    private final Pricing pricing;
    private final ResilienceSettings settings;
    private final ModelBreakers breakers;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Backoff backoff;

    /**
     * @param models the chat model of each model id
     * @param pricing null when canary costs are not to be counted
     * @param random uniform in [0, 1), for the jitter
     */
    public ResilientModelRouter(Function<String, ChatModel> models, CanaryStore canaries, Pricing pricing,
            ResilienceSettings settings, Clock clock, Sleeper sleeper, DoubleSupplier random) {
        this.models = models;
        this.canaries = canaries;
        this.pricing = pricing;
        this.settings = settings;
        this.breakers = new ModelBreakers(settings, clock);
        this.clock = clock;
        this.sleeper = sleeper;
        this.backoff = new Backoff(random);
    }

    public ResilientModelRouter(Function<String, ChatModel> models, CanaryStore canaries, Pricing pricing) {
        this(models, canaries, pricing, ResilienceSettings.defaults(), Clock.systemUTC(), Sleeper.THREAD,
                () -> ThreadLocalRandom.current().nextDouble());
    }

    /** The breaker of a model, as this process sees it. */
    public CircuitBreaker.State breakerState(String modelId) {
        return breakers.state(modelId);
    }

    @Override
    public Routed call(Route route, String stickyKey, ChatRequest request, DeltaSink deltas) {
        RestartableDeltas sink = new RestartableDeltas(deltas);
        Waits waits = new Waits(settings.maxWaitPerCall());
        boolean streaming = deltas != DeltaSink.NONE;
        List<ModelFailure> failures = new ArrayList<>();
        String fallbackFrom = null;
        String fallbackReason = null;

        Route.Canary canary = route.canary();
        if (canary != null && stickyKey != null
                && CanarySplit.toCandidate(canary.modelId(), stickyKey, canaries.percent(route))) {
            Attempt attempt = tryModel(canary.modelId(), request, sink, streaming, List.of(), waits, failures, true);
            recordCanary(route, attempt);
            if (attempt.reply() != null) {
                return new Routed(attempt.reply(), canary.modelId(), true, null, null);
            }
            fallbackFrom = canary.modelId();
            fallbackReason = attempt.reason();
        }

        List<String> chain = new ArrayList<>();
        chain.add(route.modelId());
        chain.addAll(route.fallbacks());
        for (int i = 0; i < chain.size(); i++) {
            String modelId = chain.get(i);
            List<Duration> backoffs = i == 0 ? settings.retryBackoffs() : settings.fallbackRetryBackoffs();
            Attempt attempt = tryModel(modelId, request, sink, streaming, backoffs, waits, failures, false);
            if (attempt.reply() != null) {
                if (fallbackFrom != null) {
                    LOG.info("route {}: {} answered instead of {} ({})", route.modelType(), modelId, fallbackFrom,
                            fallbackReason);
                }
                return new Routed(attempt.reply(), modelId, false, fallbackFrom, fallbackReason);
            }
            if (attempt.failure() != null && attempt.failure().kind() == ModelFailure.Kind.INVALID_REQUEST) {
                throw withSuppressed(attempt.failure(), failures);
            }
            if (fallbackFrom == null) {
                fallbackFrom = modelId;
                fallbackReason = attempt.reason();
            }
        }
        ModelFailure last = failures.get(failures.size() - 1);
        throw withSuppressed(last, failures);
    }

    /**
     * Calls one model until it answers, fails for good, runs out of retries or its circuit opens. Every failure,
     * a refusal by an open circuit included, is appended to {@code failures}.
     */
    private Attempt tryModel(String modelId, ChatRequest request, RestartableDeltas sink, boolean streaming,
            List<Duration> backoffs, Waits waits, List<ModelFailure> failures, boolean trial) {
        CircuitBreaker breaker = breakers.of(modelId);
        ChatRequest call = request.withModel(modelId);
        ModelFailure last = null;
        for (int retry = 0; ; retry++) {
            if (!breaker.tryAcquirePermission()) {
                ModelFailure open = new ModelFailure(ModelFailure.Kind.UNAVAILABLE,
                        "the circuit of model " + modelId + " is open", null);
                failures.add(open);
                // Refused before any call: the circuit is why; refused between retries: the failures are.
                return last == null ? Attempt.refused(open) : Attempt.failed(last);
            }
            sink.restartIfSent(failures.isEmpty() ? "retry" : failures.get(failures.size() - 1).code());
            long started = clock.millis();
            try {
                ChatModel model = models.apply(modelId);
                ChatReply reply = streaming ? model.stream(call, sink) : model.reply(call);
                long elapsed = clock.millis() - started;
                breaker.onSuccess(elapsed, TimeUnit.MILLISECONDS);
                return Attempt.answered(reply, Duration.ofMillis(elapsed));
            } catch (ModelFailure failure) {
                long elapsed = clock.millis() - started;
                breaker.onError(elapsed, TimeUnit.MILLISECONDS, failure);
                failures.add(failure);
                last = failure;
                if (trial || !failure.kind().retryable() || retry >= backoffs.size()) {
                    return Attempt.failed(failure, Duration.ofMillis(elapsed));
                }
                Duration wait = backoff.before(backoffs.get(retry), failure);
                if (!waits.allow(wait)) {
                    LOG.info("model {}: a wait of {} would pass the call's {} of waiting, next model", modelId, wait,
                            settings.maxWaitPerCall());
                    return Attempt.failed(failure, Duration.ofMillis(elapsed));
                }
                sleeper.sleep(wait);
            } catch (RuntimeException e) {
                // Not the model's failure (a bug, a port beside it): released without counting, and not routed around.
                breaker.onError(clock.millis() - started, TimeUnit.MILLISECONDS, e);
                throw e;
            }
        }
    }

    private void recordCanary(Route route, Attempt attempt) {
        if (attempt.latency() == null) {
            return; // its circuit was open: no call was made, nothing to learn about it
        }
        BigDecimal cost = null;
        if (attempt.reply() != null && pricing != null && attempt.reply().usage() != null) {
            try {
                cost = pricing.cost(route.canary().modelId(), attempt.reply().usage());
            } catch (RuntimeException e) {
                // The answer stands; only the trial's cost figure is missing (an unpriced candidate, say).
                LOG.warn("canary {} of route {}: no cost counted: {}", route.canary().modelId(), route.modelType(),
                        e.toString());
            }
        }
        canaries.record(route, new CanaryOutcome(attempt.reply() == null, attempt.latency(), cost));
    }

    private static ModelFailure withSuppressed(ModelFailure thrown, List<ModelFailure> failures) {
        for (ModelFailure earlier : failures) {
            if (earlier != thrown) {
                thrown.addSuppressed(earlier);
            }
        }
        return thrown;
    }

    /** The waiting one routed call has left. */
    private static final class Waits {
        private Duration left;

        Waits(Duration budget) {
            left = budget;
        }

        boolean allow(Duration wait) {
            if (wait.compareTo(left) > 0) {
                return false;
            }
            left = left.minus(wait);
            return true;
        }
    }

    /** How one model's turn ended: a reply, or a failure and why (a failure code or {@code circuit_open}). */
    private record Attempt(ChatReply reply, ModelFailure failure, String reason, Duration latency) {

        static Attempt answered(ChatReply reply, Duration latency) {
            return new Attempt(reply, null, null, latency);
        }

        static Attempt failed(ModelFailure failure, Duration latency) {
            return new Attempt(null, failure, failure.code(), latency);
        }

        static Attempt failed(ModelFailure failure) {
            return new Attempt(null, failure, failure.code(), null);
        }

        static Attempt refused(ModelFailure open) {
            return new Attempt(null, null, CIRCUIT_OPEN, null);
        }
    }
}
