package dev.sluice.workers.ai.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.ai.TokenUsage;
import dev.sluice.core.json.Json;
import dev.sluice.workers.support.TopologyTables;
import java.math.BigDecimal;
import java.time.LocalDate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Against DynamoDB Local's engine, with the analytics table as the topology declares it. */
class AiUsageTotalsTest {

    static AmazonDynamoDBLocal local;
    static DynamoDbClient dynamoDb;
    static AiUsageTotals totals;

    @BeforeAll
    static void startDynamoDb() {
        local = DynamoDBEmbedded.create(true);
        dynamoDb = local.dynamoDbClient();
        TopologyTables.create(dynamoDb, "sluice-analytics");
        totals = new AiUsageTotals(dynamoDb, "sluice-analytics");
    }

    @AfterAll
    static void stopDynamoDb() {
        local.shutdown();
    }

    @Test
    void eachJobIsCountedPerTenantModelAndDayAndTheRangeIsSummedPerModel() {
        LocalDate first = LocalDate.parse("2026-12-01");
        LocalDate second = LocalDate.parse("2026-12-02");
        totals.add("t-a", "sonnet-1", first, new TokenUsage(100, 20, 0, 0), new BigDecimal("0.0006"), "miss");
        totals.add("t-a", "sonnet-1", first, new TokenUsage(0, 0, 0, 0), BigDecimal.ZERO, "hit");
        totals.add("t-a", "haiku-1", first, new TokenUsage(10, 5, 1000, 7), new BigDecimal("0.00000008"), "semantic");
        totals.add("t-a", "sonnet-1", second, new TokenUsage(1, 2, 3, 4), new BigDecimal("0.01"), "bypass");
        totals.add("t-a", "sonnet-1", LocalDate.parse("2026-12-03"), new TokenUsage(9, 9, 9, 9), BigDecimal.ONE, "miss");
        totals.add("t-b", "sonnet-1", first, new TokenUsage(9, 9, 9, 9), BigDecimal.ONE, "miss");

        ObjectNode summary = totals.summary("t-a", first, second);

        // as a client reads it: money as written on the wire
        assertThat(Json.parse(Json.write(summary))).isEqualTo(Json.parse("""
                {"from": "2026-12-01", "to": "2026-12-02",
                 "totals": [
                  {"model": "haiku-1", "requests": 1, "inputTokens": 10, "outputTokens": 5, "cacheReadTokens": 1000,
                   "cacheWriteTokens": 7, "costUsd": 0.00000008, "cacheHits": 1,
                   "cache": {"hit": 0, "miss": 0, "semantic": 1, "bypass": 0}},
                  {"model": "sonnet-1", "requests": 3, "inputTokens": 101, "outputTokens": 22, "cacheReadTokens": 3,
                   "cacheWriteTokens": 4, "costUsd": 0.0106, "cacheHits": 1,
                   "cache": {"hit": 1, "miss": 1, "semantic": 0, "bypass": 1}}],
                 "days": [
                  {"day": "2026-12-01", "models": [
                   {"model": "haiku-1", "requests": 1, "inputTokens": 10, "outputTokens": 5, "cacheReadTokens": 1000,
                    "cacheWriteTokens": 7, "costUsd": 0.00000008, "cacheHits": 1,
                    "cache": {"hit": 0, "miss": 0, "semantic": 1, "bypass": 0}},
                   {"model": "sonnet-1", "requests": 2, "inputTokens": 100, "outputTokens": 20, "cacheReadTokens": 0,
                    "cacheWriteTokens": 0, "costUsd": 0.0006, "cacheHits": 1,
                    "cache": {"hit": 1, "miss": 1, "semantic": 0, "bypass": 0}}]},
                  {"day": "2026-12-02", "models": [
                   {"model": "sonnet-1", "requests": 1, "inputTokens": 1, "outputTokens": 2, "cacheReadTokens": 3,
                    "cacheWriteTokens": 4, "costUsd": 0.01, "cacheHits": 0,
                    "cache": {"hit": 0, "miss": 0, "semantic": 0, "bypass": 1}}]}]}
                """));
        assertThat(Json.write(summary)).contains("\"costUsd\":0.00000008").doesNotContain("E-");
    }

    @Test
    void aTenantWithNoUsageHasAnEmptySummary() {
        assertThat(totals.summary("t-none", LocalDate.parse("2026-01-01"), LocalDate.parse("2026-03-31"))
                .get("days")).isEmpty();
    }

    @Test
    void anUnknownCacheOutcomeIsRefused() {
        assertThatThrownBy(() -> totals.add("t-a", "m", LocalDate.parse("2026-12-01"), TokenUsage.NONE,
                BigDecimal.ZERO, "warm")).hasMessageContaining("hit");
    }
}
