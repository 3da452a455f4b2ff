package dev.sluice.workers.ai.resilience;

import dev.sluice.core.ai.ModelFailure;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Clock;

/**
 * One resilience4j circuit breaker per model id, all alike. Only a transient model failure counts against a
 * model: a permanent one (a bad request, a missing grant) says nothing about the model's health, and any other
 * exception is not the model's; both are ignored, neither failure nor success. State is per process (per Lambda
 * instance), as a breaker's must be to react within a call.
 */
public final class ModelBreakers {

    private final CircuitBreakerRegistry registry;

    public ModelBreakers(ResilienceSettings settings, Clock clock) {
        CircuitBreakerConfig config = CircuitBreakerConfig.custom()
                .slidingWindow(settings.breakerWindow(), settings.breakerMinimumCalls(), SlidingWindowType.COUNT_BASED)
                .failureRateThreshold(settings.breakerFailureRatePercent())
                .waitDurationInOpenState(settings.breakerOpenFor())
                .permittedNumberOfCallsInHalfOpenState(settings.breakerProbes())
                .recordException(ModelBreakers::countsAgainstModel)
                .ignoreException(t -> !countsAgainstModel(t))
                .clock(clock)
                .build();
        this.registry = CircuitBreakerRegistry.of(config);
    }

    public CircuitBreaker of(String modelId) {
        return registry.circuitBreaker(modelId);
    }

    public CircuitBreaker.State state(String modelId) {
        return of(modelId).getState();
    }

    private static boolean countsAgainstModel(Throwable t) {
        return t instanceof ModelFailure failure && failure.kind().retryable();
    }
}
