package dev.sluice.workers.ai.cost;

import static dev.sluice.core.dynamodb.Attributes.decimal;
import static dev.sluice.core.dynamodb.Attributes.n;
import static dev.sluice.core.dynamodb.Attributes.s;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.ai.TokenUsage;
import dev.sluice.core.json.Json;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * What each tenant's AI jobs used, per model and day (UTC), in the analytics table ({@code sluice-analytics}):
 * one item per tenant, day and model ({@code pk=ai-usage#<tenantId>}, {@code day=<yyyy-MM-dd>#<modelId>}, so
 * one query reads a tenant's range), counted with ADD: requests, tokens of each kind, cost in USD and
 * the cache's outcomes ({@code cache:hit|miss|semantic|bypass}).
 */
public final class AiUsageTotals {

    public static final List<String> CACHE_OUTCOMES = List.of("hit", "miss", "semantic", "bypass");
    private static final String PK_PREFIX = "ai-usage#";
    private static final String CACHE_PREFIX = "cache:";

    private final DynamoDbClient dynamoDb;
    private final String table;

    public AiUsageTotals(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
    }

    /** Counts one job at once (one UpdateItem). */
    public void add(String tenantId, String modelId, LocalDate day, TokenUsage usage, BigDecimal costUsd,
            String cache) {
        Update update = update(tenantId, modelId, day, usage, costUsd, cache);
        dynamoDb.updateItem(UpdateItemRequest.builder().tableName(update.tableName()).key(update.key())
                .updateExpression(update.updateExpression())
                .expressionAttributeNames(update.expressionAttributeNames())
                .expressionAttributeValues(update.expressionAttributeValues()).build());
    }

    /**
     * The same count as a write to commit with the job's completion ({@code JobOutcome.writes}), so a job
     * delivered twice is counted once.
     */
    public TransactWriteItem increment(String tenantId, String modelId, LocalDate day, TokenUsage usage,
            BigDecimal costUsd, String cache) {
        return TransactWriteItem.builder().update(update(tenantId, modelId, day, usage, costUsd, cache)).build();
    }

    private Update update(String tenantId, String modelId, LocalDate day, TokenUsage usage, BigDecimal costUsd,
            String cache) {
        String outcome = cache.toLowerCase(Locale.ROOT);
        if (!CACHE_OUTCOMES.contains(outcome)) {
            throw new IllegalArgumentException("cache must be one of " + CACHE_OUTCOMES + ", not " + cache);
        }
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":one", n(1));
        values.put(":in", n(usage.inputTokens()));
        values.put(":out", n(usage.outputTokens()));
        values.put(":read", n(usage.cacheReadTokens()));
        values.put(":write", n(usage.cacheWriteTokens()));
        values.put(":cost", n(costUsd));
        values.put(":model", s(modelId));
        return Update.builder().tableName(table).key(key(tenantId, day + "#" + modelId))
                .updateExpression("SET modelId = :model ADD requests :one, inputTokens :in, outputTokens :out,"
                        + " cacheReadTokens :read, cacheWriteTokens :write, costUsd :cost, #cache :one")
                .expressionAttributeNames(Map.of("#cache", CACHE_PREFIX + outcome))
                .expressionAttributeValues(values).build();
    }

    /**
     * The tenant's usage from {@code from} to {@code to}, both days included: per day, per model, and the
     * range's totals per model.
     */
    public ObjectNode summary(String tenantId, LocalDate from, LocalDate to) {
        ObjectNode summary = Json.object();
        summary.put("from", from.toString());
        summary.put("to", to.toString());
        ArrayNode days = Json.MAPPER.createArrayNode();
        Map<String, ObjectNode> byDay = new LinkedHashMap<>();
        Map<String, Figures> totals = new LinkedHashMap<>();
        // Sort keys are day#model: the range ends after every model of the last day.
        for (Map<String, AttributeValue> item : dynamoDb.queryPaginator(b -> b.tableName(table)
                .keyConditionExpression("pk = :pk AND #day BETWEEN :from AND :to")
                .expressionAttributeNames(Map.of("#day", "day"))
                .expressionAttributeValues(Map.of(":pk", s(PK_PREFIX + tenantId), ":from", s(from.toString()),
                        ":to", s(to + "#\uffff"))))
                .items()) {
            String sk = item.get("day").s();
            String day = sk.substring(0, sk.indexOf('#'));
            Figures figures = Figures.of(item);
            ObjectNode dayNode = byDay.computeIfAbsent(day, d -> {
                ObjectNode node = days.addObject();
                node.put("day", d);
                node.putArray("models");
                return node;
            });
            ObjectNode model = ((ArrayNode) dayNode.get("models")).addObject();
            model.put("model", sk.substring(sk.indexOf('#') + 1));
            figures.writeTo(model);
            totals.merge(sk.substring(sk.indexOf('#') + 1), figures, Figures::plus);
        }
        ArrayNode models = summary.putArray("totals");
        totals.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            ObjectNode model = models.addObject();
            model.put("model", e.getKey());
            e.getValue().writeTo(model);
        });
        summary.set("days", days);
        return summary;
    }

    private static Map<String, AttributeValue> key(String tenantId, String sk) {
        return Map.of("pk", s(PK_PREFIX + tenantId), "day", s(sk));
    }

    /** One item's counts, or a sum of them. */
    private record Figures(long requests, long inputTokens, long outputTokens, long cacheReadTokens,
            long cacheWriteTokens, BigDecimal costUsd, Map<String, Long> cache) {

        static Figures of(Map<String, AttributeValue> item) {
            Map<String, Long> cache = new LinkedHashMap<>();
            CACHE_OUTCOMES.forEach(o -> cache.put(o, decimal(item, CACHE_PREFIX + o).longValueExact()));
            return new Figures(decimal(item, "requests").longValueExact(),
                    decimal(item, "inputTokens").longValueExact(), decimal(item, "outputTokens").longValueExact(),
                    decimal(item, "cacheReadTokens").longValueExact(),
                    decimal(item, "cacheWriteTokens").longValueExact(), decimal(item, "costUsd"), cache);
        }

        Figures plus(Figures other) {
            Map<String, Long> sum = new LinkedHashMap<>(cache);
            other.cache.forEach((o, count) -> sum.merge(o, count, Long::sum));
            return new Figures(requests + other.requests, inputTokens + other.inputTokens,
                    outputTokens + other.outputTokens, cacheReadTokens + other.cacheReadTokens,
                    cacheWriteTokens + other.cacheWriteTokens, costUsd.add(other.costUsd), sum);
        }

        void writeTo(ObjectNode node) {
            node.put("requests", requests);
            node.put("inputTokens", inputTokens);
            node.put("outputTokens", outputTokens);
            node.put("cacheReadTokens", cacheReadTokens);
            node.put("cacheWriteTokens", cacheWriteTokens);
            node.put("costUsd", costUsd);
            node.put("cacheHits", cache.get("hit") + cache.get("semantic"));
            ObjectNode outcomes = node.putObject("cache");
            cache.forEach(outcomes::put);
        }
    }
}
