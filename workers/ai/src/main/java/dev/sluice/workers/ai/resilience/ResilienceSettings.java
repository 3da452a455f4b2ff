package dev.sluice.workers.ai.resilience;

import java.time.Duration;
import java.util.List;

/**
 * How hard the router tries before giving up on a model, and when a model's circuit opens.
 *
 * @param retryBackoffs the base wait before each retry of the route's own model (full jitter: a random wait
 *     between 0 and the base); as many retries as bases
 * @param fallbackRetryBackoffs the same for each fallback model: fewer, so a whole chain stays bounded
 * @param maxWaitPerCall the most one routed call waits between attempts, all models together: a wait (a long
 *     Retry-After, say) that would pass it is not waited, the next model is tried at once (or the job retries later
 *     through its queue), so a call stays well within its function's timeout
 * @param breakerWindow how many recent calls of a model the breaker looks at (count-based)
 * @param breakerMinimumCalls no verdict before this many calls in the window
 * @param breakerFailureRatePercent the share of transient failures in the window that opens the circuit
 * @param breakerOpenFor how long an open circuit refuses calls before it lets probes through (half-open)
 * @param breakerProbes calls let through half-open; the circuit closes when fewer than the failure rate of them
 *     fail, and opens again otherwise
 */
public record ResilienceSettings(List<Duration> retryBackoffs, List<Duration> fallbackRetryBackoffs,
        Duration maxWaitPerCall, int breakerWindow, int breakerMinimumCalls, float breakerFailureRatePercent,
        Duration breakerOpenFor, int breakerProbes) {

    public ResilienceSettings {
        retryBackoffs = List.copyOf(retryBackoffs);
        fallbackRetryBackoffs = List.copyOf(fallbackRetryBackoffs);
        if (breakerMinimumCalls > breakerWindow) {
            throw new IllegalArgumentException("breakerMinimumCalls must not exceed breakerWindow");
        }
    }

    /**
     * The 1 s, 2 s, 4 s on the route's model and one 1 s retry on each fallback, at most 15 s of waiting in
     * all (the AI workers' timeout is 45 s): with sonnet → haiku and no Retry-After the waits add up to 8 s at most. The circuit
     * opens when half of a model's last 20 calls (at least 10) failed transiently, stays open 30 s, then lets 3
     * probes through.
     */
    public static ResilienceSettings defaults() {
        return new ResilienceSettings(
                List.of(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4)),
                List.of(Duration.ofSeconds(1)), Duration.ofSeconds(15), 20, 10, 50f, Duration.ofSeconds(30), 3);
    }
}
