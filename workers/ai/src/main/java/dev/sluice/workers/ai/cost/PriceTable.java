package dev.sluice.workers.ai.cost;

import dev.sluice.core.ai.TokenUsage;
import dev.sluice.workers.ai.gateway.Pricing;
import java.math.BigDecimal;
import java.util.Map;
import java.util.TreeMap;

/**
 * The pricing table of configuration: per model id, USD per million tokens of each kind. Amounts are
 * exact ({@link BigDecimal}, no rounding): a cent lost per job is a real sum across a tenant's day.
 */
public final class PriceTable implements Pricing {

    private static final int PER_MILLION = 6;

    private final Map<String, ModelPrice> prices;

    public PriceTable(Map<String, ModelPrice> prices) {
        this.prices = Map.copyOf(prices);
    }

    public ModelPrice price(String modelId) {
        ModelPrice price = modelId == null ? null : prices.get(modelId);
        if (price == null) {
            throw new UnpricedModelException(modelId, new TreeMap<>(prices).keySet());
        }
        return price;
    }

    @Override
    public BigDecimal cost(String modelId, TokenUsage usage) {
        ModelPrice price = price(modelId);
        return times(usage.inputTokens(), price.inputPerMillion())
                .add(times(usage.outputTokens(), price.outputPerMillion()))
                .add(times(usage.cacheReadTokens(), price.cacheReadPerMillion()))
                .add(times(usage.cacheWriteTokens(), price.cacheWritePerMillion()));
    }

    /**
     * Every prompt token at the dearer of the input and cache-write prices (a prompt the provider writes
     * to its cache costs more than plain input: 1.25 times on Claude), and {@code maxTokens} of output:
     * what a reservation must hold so that no call can cost more than it reserved.
     */
    @Override
    public BigDecimal worstCase(String modelId, int promptTokens, int maxTokens) {
        ModelPrice price = price(modelId);
        return times(promptTokens, price.inputPerMillion().max(price.cacheWritePerMillion()))
                .add(times(maxTokens, price.outputPerMillion()));
    }

    private static BigDecimal times(long tokens, BigDecimal perMillion) {
        return perMillion.multiply(BigDecimal.valueOf(tokens)).movePointLeft(PER_MILLION);
    }
}
