package dev.sluice.workers.tenants;

import static dev.sluice.core.dynamodb.Attributes.n;
import static dev.sluice.core.dynamodb.Attributes.s;

import dev.sluice.core.aws.AwsClients;
import dev.sluice.workers.config.Setting;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Per-tenant choices (table {@code sluice-tenant-settings}, one item per tenant): for now how its
 * documents are chunked. A tenant that chose nothing gets {@link ChunkingOptions#DEFAULTS}.
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
