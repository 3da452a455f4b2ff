package dev.sluice.workers.ai.cost;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * What a model charges, in USD per million tokens of each kind its bill distinguishes. A provider that
 * has no prompt cache charges nothing for cache reads and writes because it reports none, not because
 * the price is zero: give its input price for both.
 */
public record ModelPrice(BigDecimal inputPerMillion, BigDecimal outputPerMillion, BigDecimal cacheReadPerMillion,
        BigDecimal cacheWritePerMillion) {

    public ModelPrice {
        require(inputPerMillion, "inputPerMillion");
        require(outputPerMillion, "outputPerMillion");
        require(cacheReadPerMillion, "cacheReadPerMillion");
        require(cacheWritePerMillion, "cacheWritePerMillion");
    }

    /** From decimal strings, so a price is exactly what configuration says (never a binary double). */
    public static ModelPrice of(String input, String output, String cacheRead, String cacheWrite) {
        return new ModelPrice(new BigDecimal(input), new BigDecimal(output), new BigDecimal(cacheRead),
                new BigDecimal(cacheWrite));
    }

    private static void require(BigDecimal price, String name) {
        Objects.requireNonNull(price, name);
        if (price.signum() < 0) {
            throw new IllegalArgumentException(name + " must not be negative, not " + price);
        }
    }
}
