package dev.sluice.workers.ai.batch;

import dev.sluice.core.ai.TokenUsage;
import dev.sluice.workers.ai.OfflineChatModel;
import dev.sluice.workers.ai.gateway.Pricing;
import java.math.BigDecimal;

/**
 * The batch lane's prices until the gateway's price table (ai-gateway.json, another part of step 7)
 * is wired in: the offline provider costs nothing, and any other model is unpriced, which is an error
 * (the port's rule: never free), so its batch goes back on demand rather than recording a wrong cost.
 */
final class OfflineOnlyPricing implements Pricing {

    @Override
    public BigDecimal cost(String modelId, TokenUsage usage) {
        return price(modelId);
    }

    @Override
    public BigDecimal worstCase(String modelId, int promptTokens, int maxTokens) {
        return price(modelId);
    }

    private static BigDecimal price(String modelId) {
        if (OfflineChatModel.MODEL.equals(modelId)) {
            return BigDecimal.ZERO;
        }
        throw new IllegalStateException("model " + modelId + " has no price here: the batch lane needs the"
                + " gateway's price table (ai-gateway.json)");
    }
}
