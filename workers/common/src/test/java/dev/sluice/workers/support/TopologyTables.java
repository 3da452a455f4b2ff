package dev.sluice.workers.support;

import dev.sluice.core.topology.Definitions;
import dev.sluice.core.topology.TableSpec;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** Tables on DynamoDB Local with the keys topology.json gives them. */
public final class TopologyTables {

    private TopologyTables() {
    }

    /** Creates table {@code name} with the keys the topology gives it. */
    public static void create(DynamoDbClient dynamoDb, String name) {
        TableSpec spec = Definitions.bundled().topology().table(name).orElseThrow();
        List<KeySchemaElement> keys = new ArrayList<>(List.of(KeySchemaElement.builder()
                .attributeName(spec.partitionKey().name()).keyType(KeyType.HASH).build()));
        List<AttributeDefinition> attributes = new ArrayList<>(List.of(AttributeDefinition.builder()
                .attributeName(spec.partitionKey().name()).attributeType(ScalarAttributeType.S).build()));
        if (spec.sortKey() != null) {
            keys.add(KeySchemaElement.builder().attributeName(spec.sortKey().name()).keyType(KeyType.RANGE).build());
            attributes.add(AttributeDefinition.builder().attributeName(spec.sortKey().name())
                    .attributeType(ScalarAttributeType.S).build());
        }
        dynamoDb.createTable(b -> b.tableName(name).keySchema(keys).attributeDefinitions(attributes)
                .billingMode(BillingMode.PAY_PER_REQUEST));
    }

}
