package dev.sluice.workers.ai.gateway;

import dev.sluice.core.ai.TokenUsage;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * What one AI job consumed, for the per-tenant, per-model, per-day totals.
 *
 * @param cache {@code hit}, {@code semantic}, {@code miss} or {@code bypass}
 */
public record UsageRecord(String tenantId, String jobId, String modelType, String modelId, String provider,
        TokenUsage usage, BigDecimal costUsd, String cache, Instant at) {
}
