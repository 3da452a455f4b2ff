package dev.sluice.workers.tenants;

import static dev.sluice.core.dynamodb.Attributes.decimal;
import static dev.sluice.core.dynamodb.Attributes.n;
import static dev.sluice.core.dynamodb.Attributes.numberOrNull;
import static dev.sluice.core.dynamodb.Attributes.s;

import dev.sluice.core.aws.AwsClients;
import dev.sluice.workers.config.Setting;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Per-tenant choices (table {@code sluice-tenant-settings}, one item per tenant): how its documents are
 * chunked (a tenant that chose nothing gets {@link ChunkingOptions#DEFAULTS}), and its AI budget where it
 * differs from the configured default.
 */
public final class TenantSettings {

    private final DynamoDbClient dynamoDb;
    private final String table;

    public TenantSettings(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
    }

    public static TenantSettings fromEnvironment(AwsClients aws) {
        return new TenantSettings(aws.build(DynamoDbClient.builder(), "DYNAMODB"),
                Setting.TENANT_SETTINGS_TABLE.from(aws));
    }

    public ChunkingOptions chunking(String tenantId) {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(table)
                .key(Map.of("tenantId", s(tenantId)))).item();
        if (item == null || !item.containsKey("chunkStrategy")) {
            return ChunkingOptions.DEFAULTS;
        }
        return new ChunkingOptions(ChunkingOptions.Strategy.valueOf(item.get("chunkStrategy").s()),
                Integer.parseInt(item.get("chunkMaxTokens").n()), Integer.parseInt(item.get("chunkOverlapTokens").n()));
    }

    /**
     * A tenant's own AI budget limits; a null field takes the configured default.
     *
     * @param dailyUsd USD a day (UTC)
     * @param tokensPerMinute tokens of every kind a minute
     */
    public record AiBudget(BigDecimal dailyUsd, Long tokensPerMinute) {

        public static final AiBudget DEFAULTS = new AiBudget(null, null);
    }

    public AiBudget aiBudget(String tenantId) {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(table)
                .key(Map.of("tenantId", s(tenantId)))).item();
        if (item == null) {
            return AiBudget.DEFAULTS;
        }
        return new AiBudget(item.containsKey("aiDailyUsd") ? decimal(item, "aiDailyUsd") : null,
                numberOrNull(item, "aiTokensPerMinute"));
    }

    /** Sets (or with a null field, removes) the tenant's own AI budget limits. */
    public void setAiBudget(String tenantId, AiBudget budget) {
        Map<String, AttributeValue> values = new HashMap<>();
        StringBuilder set = new StringBuilder();
        StringBuilder remove = new StringBuilder();
        if (budget.dailyUsd() != null) {
            values.put(":usd", n(budget.dailyUsd()));
            set.append("aiDailyUsd = :usd");
        } else {
            remove.append("aiDailyUsd");
        }
        if (budget.tokensPerMinute() != null) {
            values.put(":tpm", n(budget.tokensPerMinute()));
            set.append(set.isEmpty() ? "" : ", ").append("aiTokensPerMinute = :tpm");
        } else {
            remove.append(remove.isEmpty() ? "" : ", ").append("aiTokensPerMinute");
        }
        String expression = (set.isEmpty() ? "" : "SET " + set) + (remove.isEmpty() ? "" : " REMOVE " + remove);
        dynamoDb.updateItem(b -> b.tableName(table).key(Map.of("tenantId", s(tenantId)))
                .updateExpression(expression.trim()).expressionAttributeValues(values.isEmpty() ? null : values));
    }

    public void setChunking(String tenantId, ChunkingOptions options) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":s", s(options.strategy().name().toUpperCase(Locale.ROOT)));
        values.put(":m", n(options.maxTokens()));
        values.put(":o", n(options.overlapTokens()));
        dynamoDb.updateItem(b -> b.tableName(table).key(Map.of("tenantId", s(tenantId)))
                .updateExpression("SET chunkStrategy = :s, chunkMaxTokens = :m, chunkOverlapTokens = :o")
                .expressionAttributeValues(values));
    }
}
