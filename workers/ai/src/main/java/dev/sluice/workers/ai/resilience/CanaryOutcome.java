package dev.sluice.workers.ai.resilience;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * One call to a canary's candidate.
 *
 * @param costUsd null when not known (the call failed, or no pricing was given)
 */
public record CanaryOutcome(boolean error, Duration latency, BigDecimal costUsd) {
}
