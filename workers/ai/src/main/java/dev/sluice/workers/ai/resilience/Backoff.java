package dev.sluice.workers.ai.resilience;

import dev.sluice.core.ai.ModelFailure;
import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * The wait before a retry: full jitter (uniform between 0 and the base, so many callers throttled together do
 * not come back together), but never shorter than the provider's {@code Retry-After}.
 */
final class Backoff {

    private final DoubleSupplier random;

    /** @param random uniform in [0, 1) */
    Backoff(DoubleSupplier random) {
        this.random = random;
    }

    Duration before(Duration base, ModelFailure failure) {
        Duration jittered = Duration.ofMillis((long) Math.floor(base.toMillis() * random.getAsDouble()));
        return failure.retryAfter().filter(asked -> asked.compareTo(jittered) > 0).orElse(jittered);
    }
}
