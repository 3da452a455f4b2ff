package dev.sluice.local.stores;

import dev.sluice.core.topology.Definitions;
import dev.sluice.local.LocalRuntime;
import dev.sluice.local.dynamodb.LocalDynamoDb;
import dev.sluice.local.dynamodb.LocalTables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * DynamoDB Local with the topology's tables, reached over HTTP by the real SDK client: fast tests of a
 * store's conditions, and of what a store's caller does when a request fails on the wire.
 */
final class StoreFixture implements AutoCloseable {

    private final Path dir;
    private final LocalDynamoDb local;
    final DynamoDbClient dynamoDb;

    StoreFixture() {
        try {
            dir = Files.createTempDirectory("sluice-store-test-");
            local = LocalDynamoDb.start(dir);
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not start", e);
        }
        dynamoDb = LocalRuntime.client(DynamoDbClient.builder(), local.endpoint(), "us-east-1");
        LocalTables.create(dynamoDb, Definitions.bundled().topology().tables());
    }

    /** A client whose requests pass through {@code interceptor} and that never retries on its own. */
    DynamoDbClient flakyClient(ExecutionInterceptor interceptor) {
        return LocalRuntime.client(DynamoDbClient.builder().overrideConfiguration(o -> o.addExecutionInterceptor(
                interceptor).retryStrategy(AwsRetryStrategy.doNotRetry())),
                local.endpoint(), "us-east-1");
    }

    @Override
    public void close() {
        dynamoDb.close();
        try {
            local.close();
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
