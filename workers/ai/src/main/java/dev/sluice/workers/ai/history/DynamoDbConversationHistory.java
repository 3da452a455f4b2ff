package dev.sluice.workers.ai.history;

import static dev.sluice.core.dynamodb.Attributes.n;
import static dev.sluice.core.dynamodb.Attributes.s;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Sessions in table {@code sluice-ai-sessions}: one item per exchange, keyed by
 * {@code sessionKey = tenantId#sessionId} and the job's id (time-ordered, so a query in reverse gives
 * the newest first, and a redelivered job overwrites its own item). Items expire 30 days after they
 * are written.
 */
public final class DynamoDbConversationHistory implements ConversationHistory {

    public static final Duration TTL = Duration.ofDays(30);

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final Clock clock;

    public DynamoDbConversationHistory(DynamoDbClient dynamoDb, String table, Clock clock) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.clock = clock;
    }

    @Override
    public List<Exchange> recent(String tenantId, String sessionId, int limit) {
        return dynamoDb.query(b -> b.tableName(table).keyConditionExpression("sessionKey = :k")
                        .expressionAttributeValues(Map.of(":k", s(key(tenantId, sessionId))))
                        .scanIndexForward(false).limit(limit))
                .items().stream()
                .map(item -> new Exchange(item.get("jobId").s(), item.get("userTurn").s(), item.get("answer").s()))
                .toList();
    }

    @Override
    public void append(String tenantId, String sessionId, Exchange exchange) {
        dynamoDb.putItem(b -> b.tableName(table).item(Map.of(
                "sessionKey", s(key(tenantId, sessionId)),
                "jobId", s(exchange.jobId()),
                "userTurn", s(exchange.user()),
                "answer", s(exchange.assistant()),
                "expiresAt", n(clock.instant().plus(TTL).getEpochSecond()))));
    }

    /** The tenant is part of the key: a session id alone never reaches another tenant's items. */
    static String key(String tenantId, String sessionId) {
        return tenantId + "#" + sessionId;
    }
}
