package dev.sluice.workers.ai.resilience;

import dev.sluice.core.ai.ModelFailure;
import java.time.Duration;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * The wait before a retry: full jitter (uniform between 0 and the base, so many callers throttled together do
 * not come back together), but never shorter than the provider's {@code Retry-After}.
 */
final class Backoff {

    private final DoubleSupplier random;
    private final Duration maxRetryAfter;

    /** @param random uniform in [0, 1) */
    Backoff(DoubleSupplier random, Duration maxRetryAfter) {
        this.random = random;
        this.maxRetryAfter = maxRetryAfter;
    }

    /** Empty when the provider asked for a longer wait than a call may spend here. */
    Optional<Duration> before(Duration base, ModelFailure failure) {
        Duration jittered = Duration.ofMillis((long) Math.floor(base.toMillis() * random.getAsDouble()));
        Optional<Duration> asked = failure.retryAfter();
        if (asked.isEmpty()) {
            return Optional.of(jittered);
        }
        if (asked.get().compareTo(maxRetryAfter) > 0) {
            return Optional.empty();
        }
        return Optional.of(asked.get().compareTo(jittered) > 0 ? asked.get() : jittered);
    }
}
