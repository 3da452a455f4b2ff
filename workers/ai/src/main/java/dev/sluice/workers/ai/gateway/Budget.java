package dev.sluice.workers.ai.gateway;

import java.math.BigDecimal;

/**
 * A tenant's daily USD budget and tokens-per-minute limit. A call first reserves its worst case
 * atomically, so concurrent calls can never together pass the limit, then settles to what it cost.
 */
public interface Budget {

    /** @throws BudgetExhaustedException when the reservation does not fit in the current window */
    Reservation reserve(String tenantId, String jobId, BigDecimal worstCaseUsd, long worstCaseTokens);

    /** Replaces the reservation by the real figures (a cache hit or a failed call settles to zero). */
    void settle(Reservation reservation, BigDecimal costUsd, long tokens);

    /** Whether the tenant has already spent its daily budget: the API answers 429 at submission. */
    boolean spent(String tenantId);

    /** What was reserved, and in which windows, so it can be settled. */
    record Reservation(String tenantId, String jobId, String day, String minute, BigDecimal usd, long tokens) {
    }
}
