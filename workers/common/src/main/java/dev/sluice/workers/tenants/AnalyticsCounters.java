package dev.sluice.workers.tenants;

import static dev.sluice.core.dynamodb.Attributes.n;
import static dev.sluice.core.dynamodb.Attributes.s;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.json.Json;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Atomic counters per tenant, tool, interaction type and day (UTC), in table {@code sluice-analytics}:
 * one item per tenant, tool and day ({@code pk=tenant#tool, day=yyyy-MM-dd}), with a {@code total} and one
 * attribute per interaction type ({@code i:<type>}).
 */
public final class AnalyticsCounters {

    private static final String TYPE_PREFIX = "i:";

    private final DynamoDbClient dynamoDb;
    private final String table;

    public AnalyticsCounters(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
    }

    /** The increment for one event, to commit with the job's completion so it counts exactly once. */
    public TransactWriteItem increment(String tenantId, String toolId, String interactionType, long timestamp) {
        String day = LocalDate.ofInstant(Instant.ofEpochMilli(timestamp), ZoneOffset.UTC).toString();
        return TransactWriteItem.builder().update(Update.builder().tableName(table)
                .key(Map.of("pk", s(tenantId + "#" + toolId), "day", s(day)))
                .updateExpression("ADD #total :one, #type :one")
                .expressionAttributeNames(Map.of("#total", "total", "#type", TYPE_PREFIX + interactionType))
                .expressionAttributeValues(Map.of(":one", n(1))).build()).build();
    }

    /** The tool's counts from {@code from} to {@code to}, both days included. */
    public ObjectNode summary(String tenantId, String toolId, LocalDate from, LocalDate to) {
        ObjectNode summary = Json.object();
        summary.put("toolId", toolId);
        summary.put("from", from.toString());
        summary.put("to", to.toString());
        ArrayNode days = Json.MAPPER.createArrayNode();
        Map<String, Long> byType = new TreeMap<>();
        long total = 0;
        for (Map<String, AttributeValue> item : dynamoDb.queryPaginator(b -> b.tableName(table)
                .keyConditionExpression("pk = :pk AND #day BETWEEN :from AND :to")
                .expressionAttributeNames(Map.of("#day", "day"))
                .expressionAttributeValues(Map.of(":pk", s(tenantId + "#" + toolId),
                        ":from", s(from.toString()), ":to", s(to.toString()))))
                .items()) {
            ObjectNode day = days.addObject();
            day.put("day", item.get("day").s());
            long dayTotal = Long.parseLong(item.get("total").n());
            day.put("total", dayTotal);
            total += dayTotal;
            ObjectNode dayTypes = day.putObject("byInteractionType");
            new TreeMap<>(item).forEach((name, value) -> {
                if (name.startsWith(TYPE_PREFIX)) {
                    long count = Long.parseLong(value.n());
                    dayTypes.put(name.substring(TYPE_PREFIX.length()), count);
                    byType.merge(name.substring(TYPE_PREFIX.length()), count, Long::sum);
                }
            });
        }
        summary.put("total", total);
        ObjectNode types = summary.putObject("byInteractionType");
        byType.forEach(types::put);
        summary.set("days", days);
        return summary;
    }
}
