package dev.sluice.workers.ai.config;

import java.math.BigDecimal;

/** A tenant's AI limits unless its settings say otherwise: the budget's constructor takes them. */
public record BudgetDefaults(BigDecimal dailyUsd, long tokensPerMinute) {
}
