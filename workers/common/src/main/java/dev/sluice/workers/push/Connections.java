package dev.sluice.workers.push;

import static dev.sluice.core.dynamodb.Attributes.n;
import static dev.sluice.core.dynamodb.Attributes.s;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Open WebSocket connections (table {@code sluice-connections}, index {@code byUser}). API Gateway
 * ends a connection after 2 hours, and {@code $disconnect} is best effort, so every row expires by
 * TTL after 2 hours and a 410 from {@code PostToConnection} removes it sooner. Each row names the API
 * key the connection was opened with, so that revoking the key can end it.
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
        Map<String, AttributeValue> item = new HashMap<>(Map.of(
                "connectionId", s(c.connectionId()), "tenantId", s(c.tenantId()), "userId", s(c.userId()),
                "userKey", s(userKey(c.tenantId(), c.userId())), "connectedAt", n(c.connectedAt()),
                "expiresAt", n((c.connectedAt() + MAX_AGE.toMillis()) / 1000)));
        if (c.keyId() != null) {
            item.put("keyId", s(c.keyId()));
        }
        dynamoDb.putItem(b -> b.tableName(table).item(item));
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

    /**
     * The connections opened with one of {@code keyIds}. A scan: the table holds only live connections
     * (2 hours at most), and the sweeper that asks runs once a minute.
     */
    public List<Connection> openedWith(Set<String> keyIds) {
        if (keyIds.isEmpty()) {
            return List.of();
        }
        return dynamoDb.scanPaginator(b -> b.tableName(table).filterExpression("attribute_exists(keyId)"))
                .items().stream().map(Connections::fromItem).filter(c -> keyIds.contains(c.keyId())).toList();
    }

    static String userKey(String tenantId, String userId) {
        return tenantId + "#" + userId;
    }

    private static Connection fromItem(Map<String, AttributeValue> item) {
        AttributeValue keyId = item.get("keyId");
        return new Connection(item.get("connectionId").s(), item.get("tenantId").s(), item.get("userId").s(),
                Long.parseLong(item.get("connectedAt").n()), keyId == null ? null : keyId.s());
    }
}
