package dev.sluice.workers.ai.resilience;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import dev.sluice.core.topology.Definitions;
import dev.sluice.core.topology.TableSpec;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** DynamoDB Local in-process with the canaries table as topology.json declares it. */
final class CanaryTable implements AutoCloseable {

    static final String NAME = "sluice-ai-canaries";

    private final AmazonDynamoDBLocal local = DynamoDBEmbedded.create(true);
    final DynamoDbClient dynamoDb = local.dynamoDbClient();

    CanaryTable() {
        TableSpec spec = Definitions.bundled().topology().tables().stream().filter(t -> t.name().equals(NAME))
                .findFirst().orElseThrow();
        dynamoDb.createTable(b -> b.tableName(NAME).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(attribute(spec.partitionKey()), attribute(spec.sortKey()))
                .keySchema(KeySchemaElement.builder().attributeName(spec.partitionKey().name()).keyType(KeyType.HASH)
                        .build(), KeySchemaElement.builder().attributeName(spec.sortKey().name())
                        .keyType(KeyType.RANGE).build()));
        dynamoDb.updateTimeToLive(b -> b.tableName(NAME)
                .timeToLiveSpecification(t -> t.enabled(true).attributeName(spec.timeToLiveAttribute())));
    }

    private static AttributeDefinition attribute(TableSpec.Key key) {
        return AttributeDefinition.builder().attributeName(key.name())
                .attributeType(ScalarAttributeType.fromValue(key.type())).build();
    }

    @Override
    public void close() {
        local.shutdown();
    }
}
