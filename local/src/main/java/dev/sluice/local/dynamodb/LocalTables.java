package dev.sluice.local.dynamodb;

import dev.sluice.core.topology.TableSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** Creates the topology's tables, as CloudFormation would; a table kept from an earlier run is left as it is. */
public final class LocalTables {

    private LocalTables() {
    }

    public static void create(DynamoDbClient dynamoDb, List<TableSpec> tables) {
        List<String> existing = dynamoDb.listTablesPaginator().tableNames().stream().toList();
        for (TableSpec table : tables) {
            if (existing.contains(table.name())) {
                continue;
            }
            Map<String, AttributeDefinition> attributes = new LinkedHashMap<>();
            define(attributes, table.partitionKey());
            define(attributes, table.sortKey());
            List<GlobalSecondaryIndex> indexes = new ArrayList<>();
            for (TableSpec.Index index : table.indexes()) {
                define(attributes, index.partitionKey());
                define(attributes, index.sortKey());
                indexes.add(GlobalSecondaryIndex.builder().indexName(index.name())
                        .keySchema(keySchema(index.partitionKey(), index.sortKey()))
                        .projection(p -> p.projectionType(ProjectionType.ALL)).build());
            }
            dynamoDb.createTable(b -> b.tableName(table.name()).billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(attributes.values())
                    .keySchema(keySchema(table.partitionKey(), table.sortKey()))
                    .globalSecondaryIndexes(indexes.isEmpty() ? null : indexes));
            if (table.timeToLiveAttribute() != null) {
                dynamoDb.updateTimeToLive(b -> b.tableName(table.name()).timeToLiveSpecification(
                        t -> t.enabled(true).attributeName(table.timeToLiveAttribute())));
            }
        }
    }

    private static void define(Map<String, AttributeDefinition> attributes, TableSpec.Key key) {
        if (key != null) {
            attributes.putIfAbsent(key.name(), AttributeDefinition.builder().attributeName(key.name())
                    .attributeType(ScalarAttributeType.fromValue(key.type())).build());
        }
    }

    private static List<KeySchemaElement> keySchema(TableSpec.Key partition, TableSpec.Key sort) {
        List<KeySchemaElement> schema = new ArrayList<>();
        schema.add(KeySchemaElement.builder().attributeName(partition.name()).keyType(KeyType.HASH).build());
        if (sort != null) {
            schema.add(KeySchemaElement.builder().attributeName(sort.name()).keyType(KeyType.RANGE).build());
        }
        return schema;
    }
}
