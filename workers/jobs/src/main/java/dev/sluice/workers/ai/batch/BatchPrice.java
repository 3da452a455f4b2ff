package dev.sluice.workers.ai.batch;

import dev.sluice.core.ai.TokenUsage;
import dev.sluice.workers.ai.gateway.Pricing;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * What a batch record costs: the model's on-demand price (the gateway's {@link Pricing}) times the
 * batch factor. Bedrock bills batch inference at about half the on-demand price; the pricing table
 * has no batch column, so the factor is a setting of the batch lane ({@code BATCH_PRICE_FACTOR}).
 */
record BatchPrice(Pricing onDemand, BigDecimal factor) {

    BatchPrice {
        if (factor.signum() <= 0 || factor.compareTo(BigDecimal.ONE) > 0) {
            throw new IllegalArgumentException("BATCH_PRICE_FACTOR must be in (0, 1], not " + factor);
        }
    }

    BigDecimal cost(String modelId, TokenUsage usage) {
        BigDecimal full = onDemand.cost(modelId, usage);
        return full.multiply(factor).setScale(Math.max(full.scale(), 8), RoundingMode.HALF_EVEN).stripTrailingZeros();
    }
}
