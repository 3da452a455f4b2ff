package dev.sluice.workers.ai.config;

import java.math.BigDecimal;

/** What a model's tokens cost, USD per million tokens of each kind, and who serves it. */
public record ModelPrice(String provider, BigDecimal input, BigDecimal output, BigDecimal cacheRead,
        BigDecimal cacheWrite) {
}
