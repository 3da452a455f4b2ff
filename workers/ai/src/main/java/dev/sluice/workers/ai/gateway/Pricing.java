package dev.sluice.workers.ai.gateway;

import dev.sluice.core.ai.TokenUsage;
import java.math.BigDecimal;

/** What a model's tokens cost, from the pricing table in configuration. */
public interface Pricing {

    /** The cost in USD of the tokens of each kind; an unpriced model is an error, never free. */
    BigDecimal cost(String modelId, TokenUsage usage);

    /** The most a call can cost: every prompt token at the input price and {@code maxTokens} of output. */
    BigDecimal worstCase(String modelId, int promptTokens, int maxTokens);
}
