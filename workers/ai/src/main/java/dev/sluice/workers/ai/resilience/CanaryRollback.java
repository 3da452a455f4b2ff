package dev.sluice.workers.ai.resilience;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A canary set back to 0 %, with the figures that decided it.
 *
 * @param p95 null when no latency was counted
 * @param costPerRequestUsd null when no answer was priced
 */
public record CanaryRollback(String route, String candidate, int fromPercent, List<String> reasons,
        double errorRate, Duration p95, BigDecimal costPerRequestUsd, long requests, Instant windowStart,
        Instant windowEnd, Instant at) {

    public CanaryRollback {
        reasons = List.copyOf(reasons);
    }
}
