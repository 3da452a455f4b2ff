package dev.sluice.workers.ai.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.ai.TokenUsage;
import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Costs worked out by hand from Claude-like prices (USD per million tokens). */
class PriceTableTest {

    /** Sonnet-like: input 3, output 15, cache read 0.30, cache write 3.75. */
    static final String SONNET = "anthropic.claude-3-5-sonnet-20241022-v2:0";
    /** Haiku-like: input 0.80, output 4, cache read 0.08, cache write 1. */
    static final String HAIKU = "anthropic.claude-3-5-haiku-20241022-v1:0";

    final PriceTable prices = new PriceTable(Map.of(
            SONNET, ModelPrice.of("3", "15", "0.30", "3.75"),
            HAIKU, ModelPrice.of("0.80", "4", "0.08", "1")));

    @Test
    void eachKindOfTokenIsChargedAtItsOwnPrice() {
        // 1200 × 3 + 350 × 15 + 2000 × 0.30 + 500 × 3.75 = 3600 + 5250 + 600 + 1875 = 11325 per million
        assertThat(prices.cost(SONNET, new TokenUsage(1200, 350, 2000, 500)))
                .isEqualByComparingTo("0.011325");
    }

    @Test
    void cacheReadsAreChargedAtTheirDiscountNotAsInput() {
        // 100 × 0.80 + 10 × 4 + 1 000 000 × 0.08 = 80 + 40 + 80 000 per million
        assertThat(prices.cost(HAIKU, new TokenUsage(100, 10, 1_000_000, 0))).isEqualByComparingTo("0.08012");
        // the same tokens as plain input would cost ten times as much
        assertThat(prices.cost(HAIKU, new TokenUsage(1_000_100, 10, 0, 0))).isEqualByComparingTo("0.80012");
    }

    @Test
    void aSingleTokenIsExactNotRoundedAway() {
        assertThat(prices.cost(HAIKU, new TokenUsage(0, 0, 1, 0))).isEqualByComparingTo("0.00000008");
        assertThat(prices.cost(SONNET, TokenUsage.NONE)).isEqualByComparingTo(BigDecimal.ZERO);
    }

    @Test
    void theSumOfManyJobsEqualsTheCostOfTheirTotalTokens() {
        BigDecimal sum = BigDecimal.ZERO;
        for (int i = 0; i < 1000; i++) {
            sum = sum.add(prices.cost(SONNET, new TokenUsage(7, 3, 11, 13)));
        }
        assertThat(sum).isEqualByComparingTo(prices.cost(SONNET, new TokenUsage(7000, 3000, 11000, 13000)));
    }

    @Test
    void theWorstCaseTakesEveryPromptTokenAtTheDearerCacheWritePriceAndAllOfMaxTokens() {
        // 1000 × 3.75 + 1024 × 15 = 3750 + 15360 per million
        assertThat(prices.worstCase(SONNET, 1000, 1024)).isEqualByComparingTo("0.01911");
        // no real call of those sizes costs more than that
        assertThat(prices.cost(SONNET, new TokenUsage(0, 1024, 0, 1000))).isEqualByComparingTo("0.01911");
        assertThat(prices.cost(SONNET, new TokenUsage(600, 1024, 400, 0))).isLessThan(new BigDecimal("0.01911"));
    }

    @Test
    void anUnpricedModelIsAPermanentErrorNamingItNeverFree() {
        assertThatThrownBy(() -> prices.cost("meta.llama3-70b-instruct-v1:0", new TokenUsage(1, 1, 0, 0)))
                .isInstanceOfSatisfying(UnpricedModelException.class, e -> {
                    assertThat(e.code()).isEqualTo("unpriced_model");
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).contains("meta.llama3-70b-instruct-v1:0", SONNET, HAIKU);
                });
        assertThatThrownBy(() -> prices.worstCase("meta.llama3-70b-instruct-v1:0", 1, 1))
                .isInstanceOf(UnpricedModelException.class);
    }

    @Test
    void aNegativePriceIsRefused() {
        assertThatThrownBy(() -> ModelPrice.of("1", "-2", "0", "0")).hasMessageContaining("outputPerMillion");
    }
}
