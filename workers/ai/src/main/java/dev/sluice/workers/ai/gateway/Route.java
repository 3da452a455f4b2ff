package dev.sluice.workers.ai.gateway;

import dev.sluice.core.ai.Guardrail;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;

/**
 * Where a model type goes in this profile: its model (or inference profile), what to fall back to in
 * order, its guardrail, whether it uses the semantic cache, and a canary.
 *
 * @param guardrail null for none
 * @param semanticThreshold null when the semantic cache is off for this route
 * @param canary null for none
 */
public record Route(String modelType, String modelId, List<String> fallbacks, Guardrail guardrail,
        Double semanticThreshold, Canary canary) {

    public Route {
        fallbacks = List.copyOf(fallbacks);
    }

    /**
     * A share of the route's traffic sent to a candidate model, rolled back to 0 % by itself when the
     * candidate's error rate, p95 latency or cost per request passes its limit over the window.
     */
    public record Canary(String modelId, int percent, double maxErrorRate, Duration maxP95Latency,
            BigDecimal maxCostPerRequestUsd, Duration window, int minRequests) {
    }
}
