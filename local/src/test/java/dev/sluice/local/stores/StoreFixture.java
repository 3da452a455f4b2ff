package dev.sluice.local.stores;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import dev.sluice.core.topology.Definitions;
import dev.sluice.local.dynamodb.LocalTables;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** DynamoDB Local's engine in-process, with the topology's tables: fast tests of a store's conditions. */
final class StoreFixture implements AutoCloseable {

    private final AmazonDynamoDBLocal local = DynamoDBEmbedded.create(true);
    final DynamoDbClient dynamoDb = local.dynamoDbClient();

    StoreFixture() {
        LocalTables.create(dynamoDb, Definitions.bundled().topology().tables());
    }

    @Override
    public void close() {
        local.shutdown();
    }
}
