package dev.sluice.workers.idempotency;

import java.time.Duration;
import java.util.Objects;

/**
 * @param expiry how long a completed result is replayed; the table's TTL attribute is whole seconds
 * @param validatePayload whether a repeat must carry the same payload as the first run
 */
public record IdempotencyConfig(Duration expiry, boolean validatePayload) {

    public IdempotencyConfig {
        Objects.requireNonNull(expiry, "expiry");
        if (expiry.toSeconds() < 1) {
            throw new IllegalArgumentException("expiry must be at least one second, was " + expiry);
        }
    }

    /** One hour with payload validation, as Powertools. */
    public static IdempotencyConfig defaults() {
        return new IdempotencyConfig(Duration.ofHours(1), true);
    }
}
