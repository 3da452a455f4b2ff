package dev.sluice.workers.push;

import static dev.sluice.core.dynamodb.Attributes.n;
import static dev.sluice.core.dynamodb.Attributes.s;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Open WebSocket connections (table {@code sluice-connections}, index {@code byUser}). API Gateway
 * ends a connection after 2 hours, and {@code $disconnect} is best effort, so every row expires by
 * TTL after 2 hours and a 410 from {@code PostToConnection} removes it sooner.
 */
public final class Connections {

    public static final Duration MAX_AGE = Duration.ofHours(2);

    private final DynamoDbClient dynamoDb;
    private final String table;

    public Connections(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
    }

    public void put(Connection c) {
        dynamoDb.putItem(b -> b.tableName(table).item(Map.of(
                "connectionId", s(c.connectionId()), "tenantId", s(c.tenantId()), "userId", s(c.userId()),
                "userKey", s(userKey(c.tenantId(), c.userId())), "connectedAt", n(c.connectedAt()),
                "expiresAt", n((c.connectedAt() + MAX_AGE.toMillis()) / 1000))));
    }

    public void remove(String connectionId) {
        dynamoDb.deleteItem(b -> b.tableName(table).key(Map.of("connectionId", s(connectionId))));
    }

    public Optional<Connection> get(String connectionId) {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of("connectionId", s(connectionId)))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(fromItem(item));
    }

    /** The user's connections; rows past their TTL that DynamoDB has not swept yet are left out. */
    public List<Connection> ofUser(String tenantId, String userId, long now) {
        return dynamoDb.queryPaginator(b -> b.tableName(table).indexName("byUser")
                .keyConditionExpression("userKey = :user").filterExpression("expiresAt > :now")
                .expressionAttributeValues(Map.of(":user", s(userKey(tenantId, userId)), ":now", n(now / 1000))))
                .items().stream().map(Connections::fromItem).toList();
    }

    static String userKey(String tenantId, String userId) {
        return tenantId + "#" + userId;
    }

    private static Connection fromItem(Map<String, AttributeValue> item) {
        return new Connection(item.get("connectionId").s(), item.get("tenantId").s(), item.get("userId").s(),
                Long.parseLong(item.get("connectedAt").n()));
    }
}
