package dev.sluice.workers.ai.budget;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * A tenant's AI budget: USD a day (UTC) and tokens (of every kind) a minute.
 */
public record BudgetLimits(BigDecimal dailyUsd, long tokensPerMinute) {

    public BudgetLimits {
        Objects.requireNonNull(dailyUsd, "dailyUsd");
        if (dailyUsd.signum() <= 0) {
            throw new IllegalArgumentException("dailyUsd must be positive, not " + dailyUsd);
        }
        if (tokensPerMinute <= 0) {
            throw new IllegalArgumentException("tokensPerMinute must be positive, not " + tokensPerMinute);
        }
    }
}
