package dev.sluice.workers.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.json.Json;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * Every message pushed to a user, numbered: {@code seq} grows by one per user, so a client sees any
 * gap, and {@code resume} replays what it missed. Kept 24 hours (table {@code sluice-push-log}: the
 * counter is item {@code seq=0}, each message its own item).
 */
public final class PushLog {

    public static final Duration RETENTION = Duration.ofHours(24);

    private final DynamoDbClient dynamoDb;
    private final String table;

    public PushLog(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
    }

    /** Numbers and stores the message; returns it with its {@code seq}. */
    public ObjectNode append(String tenantId, String userId, ObjectNode message, long now) {
        String user = Connections.userKey(tenantId, userId);
        long seq = Long.parseLong(dynamoDb.updateItem(b -> b.tableName(table)
                .key(Map.of("userKey", s(user), "seq", n(0)))
                .updateExpression("ADD lastSeq :one").expressionAttributeValues(Map.of(":one", n(1)))
                .returnValues(ReturnValue.UPDATED_NEW)).attributes().get("lastSeq").n());
        ObjectNode numbered = Json.object();
        numbered.put("type", message.get("type").asText());
        numbered.put("seq", seq);
        message.fields().forEachRemaining(f -> {
            if (!f.getKey().equals("type")) {
                numbered.set(f.getKey(), f.getValue());
            }
        });
        dynamoDb.putItem(b -> b.tableName(table).item(Map.of("userKey", s(user), "seq", n(seq),
                "message", s(Json.write(numbered)), "expiresAt", n((now + RETENTION.toMillis()) / 1000))));
        return numbered;
    }

    /** The user's messages numbered above {@code afterSeq}, oldest first, at most {@code limit}. */
    public List<JsonNode> after(String tenantId, String userId, long afterSeq, int limit, long now) {
        return dynamoDb.query(b -> b.tableName(table).limit(limit)
                .keyConditionExpression("userKey = :user AND seq > :after").filterExpression("expiresAt > :now")
                .expressionAttributeValues(Map.of(":user", s(Connections.userKey(tenantId, userId)),
                        ":after", n(Math.max(0, afterSeq)), ":now", n(now / 1000))))
                .items().stream().map(item -> Json.parse(item.get("message").s())).toList();
    }

    private static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    private static AttributeValue n(long v) {
        return AttributeValue.fromN(Long.toString(v));
    }
}
