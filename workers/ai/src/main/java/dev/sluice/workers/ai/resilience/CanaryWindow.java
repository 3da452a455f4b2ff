package dev.sluice.workers.ai.resilience;

import dev.sluice.workers.ai.gateway.Route;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A canary's counters over one window, summed by every instance: requests, errors, the cost of the priced
 * answers, and latencies as a histogram, since a percentile cannot be summed but bucket counts can. The p95 is
 * the upper bound of the bucket holding the 95th percentile rank: never below the true p95, and exact in the
 * comparison with a limit that is a bucket bound (5 s is).
 *
 * @param latencyCounts one count per {@link #LATENCY_BOUNDS_MS} bucket, the last one unbounded
 */
public record CanaryWindow(Instant start, Instant end, long requests, long errors, long pricedRequests,
        BigDecimal costUsd, List<Long> latencyCounts) {

    public CanaryWindow {
        latencyCounts = List.copyOf(latencyCounts);
        if (latencyCounts.size() != BUCKETS) {
            throw new IllegalArgumentException("one latency count per bucket");
        }
    }

    /** Upper bounds in ms; a latency lands in the first bucket whose bound it does not exceed. */
    public static final long[] LATENCY_BOUNDS_MS = {100, 250, 500, 750, 1000, 1500, 2000, 2500, 3000, 4000, 5000,
        6000, 8000, 10000, 15000, 20000, 30000, 60000, 120000};

    /** Buckets: one per bound and one above the last. */
    public static final int BUCKETS = LATENCY_BOUNDS_MS.length + 1;

    public static int bucketOf(Duration latency) {
        long ms = latency.toMillis();
        for (int i = 0; i < LATENCY_BOUNDS_MS.length; i++) {
            if (ms <= LATENCY_BOUNDS_MS[i]) {
                return i;
            }
        }
        return LATENCY_BOUNDS_MS.length;
    }

    public double errorRate() {
        return requests == 0 ? 0 : (double) errors / requests;
    }

    /** Null before any latency was counted; {@code Duration.ofMillis(Long.MAX_VALUE)} above the last bound. */
    public Duration p95() {
        long counted = 0;
        for (long count : latencyCounts) {
            counted += count;
        }
        if (counted == 0) {
            return null;
        }
        long rank = (long) Math.ceil(counted * 0.95);
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += latencyCounts.get(i);
            if (seen >= rank) {
                return Duration.ofMillis(i < LATENCY_BOUNDS_MS.length ? LATENCY_BOUNDS_MS[i] : Long.MAX_VALUE);
            }
        }
        throw new AssertionError("the rank is within the counts");
    }

    /** Null when no answer was priced. */
    public BigDecimal costPerRequestUsd() {
        return pricedRequests == 0 ? null : costUsd.divide(BigDecimal.valueOf(pricedRequests), 8, RoundingMode.HALF_UP)
                .stripTrailingZeros();
    }

    /** Which limits this window breaks (empty when none, or before the canary's minimum number of requests). */
    public List<String> breaches(Route.Canary canary) {
        List<String> breaches = new ArrayList<>();
        if (requests < canary.minRequests()) {
            return breaches;
        }
        if (errorRate() > canary.maxErrorRate()) {
            breaches.add("error_rate");
        }
        Duration p95 = p95();
        if (canary.maxP95Latency() != null && p95 != null && p95.compareTo(canary.maxP95Latency()) > 0) {
            breaches.add("p95_latency");
        }
        BigDecimal cost = costPerRequestUsd();
        if (canary.maxCostPerRequestUsd() != null && cost != null && cost.compareTo(canary.maxCostPerRequestUsd()) > 0) {
            breaches.add("cost_per_request");
        }
        return breaches;
    }
}
