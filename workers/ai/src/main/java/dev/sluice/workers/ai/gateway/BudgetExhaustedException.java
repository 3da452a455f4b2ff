package dev.sluice.workers.ai.gateway;

import java.time.Instant;

/**
 * A reservation that does not fit: the job waits until {@code retryAt} (the next window) instead of
 * failing, up to a limit, then fails {@code budget_exceeded}.
 *
 * @param limit {@code daily_usd} or {@code tokens_per_minute}
 */
public final class BudgetExhaustedException extends RuntimeException {

    private final String limit;
    private final Instant retryAt;

    public BudgetExhaustedException(String limit, Instant retryAt, String message) {
        super(message);
        this.limit = limit;
        this.retryAt = retryAt;
    }

    public String limit() {
        return limit;
    }

    public Instant retryAt() {
        return retryAt;
    }
}
