package dev.sluice.workers.push;

import static dev.sluice.core.dynamodb.Attributes.n;
import static dev.sluice.core.dynamodb.Attributes.numberOrNull;
import static dev.sluice.core.dynamodb.Attributes.s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.json.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Every message pushed to a user, numbered: {@code seq} grows by exactly one per user, so a client
 * sees any gap, and {@code resume} replays what it missed. Kept 24 hours (table
 * {@code sluice-push-log}: the user's counter is item {@code seq=0}, each message its own item).
 *
 * <p>A message is appended in one transaction: the counter moves from the last number to the next,
 * the message is written under that number, and a guard the caller supplies holds. A guard that
 * fails means the message was appended before (the notifier's guard is the job row's duty to
 * announce), so nothing is written and no number is spent. The last number is not read first: this
 * instance remembers what it last saw per user, and when another appender moved the counter since,
 * the failed condition hands back the counter as it is, so the retry needs no read either. An
 * append is one request unless two appenders of one user collide.
 */
public final class PushLog {

    public static final Duration RETENTION = Duration.ofHours(24);
    private static final int APPEND_ATTEMPTS = 10;
    /** Users whose last number this instance remembers: a bound, not a tuning knob. */
    private static final int REMEMBERED_USERS = 10_000;

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final Map<String, Long> lastSeqByUser = Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                    return size() > REMEMBERED_USERS;
                }
            });

    public PushLog(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
    }

    /** Numbers and stores the message; returns it with its {@code seq}. */
    public ObjectNode append(String tenantId, String userId, ObjectNode message, long now) {
        return append(tenantId, userId, message, now, null).orElseThrow();
    }

    /**
     * Numbers and stores the message if {@code guard} (a conditional write, or null for none) holds,
     * in the same transaction.
     *
     * @return the message with its {@code seq}; empty when the guard failed
     */
    public Optional<ObjectNode> append(String tenantId, String userId, ObjectNode message, long now,
            TransactWriteItem guard) {
        String user = Connections.userKey(tenantId, userId);
        Map<String, AttributeValue> counterKey = Map.of("userKey", s(user), "seq", n(0));
        Long last = lastSeqByUser.get(user);
        for (int attempt = 1; ; attempt++) {
            long seq = (last == null ? 0 : last) + 1;
            ObjectNode numbered = numbered(message, seq);
            Update.Builder moveCounter = Update.builder().tableName(table).key(counterKey)
                    .updateExpression("SET lastSeq = :seq")
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD);
            if (last == null) {
                moveCounter.conditionExpression("attribute_not_exists(lastSeq)")
                        .expressionAttributeValues(Map.of(":seq", n(seq)));
            } else {
                moveCounter.conditionExpression("lastSeq = :last")
                        .expressionAttributeValues(Map.of(":seq", n(seq), ":last", n(last)));
            }
            Put putMessage = Put.builder().tableName(table).item(Map.of("userKey", s(user), "seq", n(seq),
                    "message", s(Json.write(numbered)), "expiresAt", n((now + RETENTION.toMillis()) / 1000)))
                    .conditionExpression("attribute_not_exists(seq)").build();
            List<TransactWriteItem> items = new ArrayList<>(List.of(
                    TransactWriteItem.builder().update(moveCounter.build()).build(),
                    TransactWriteItem.builder().put(putMessage).build()));
            if (guard != null) {
                items.add(guard);
            }
            try {
                dynamoDb.transactWriteItems(b -> b.transactItems(items));
                lastSeqByUser.put(user, seq);
                return Optional.of(numbered);
            } catch (TransactionCanceledException e) {
                List<CancellationReason> reasons = e.cancellationReasons();
                if (guard != null && reasons.size() == 3 && "ConditionalCheckFailed".equals(reasons.get(2).code())) {
                    return Optional.empty();
                }
                if (attempt == APPEND_ATTEMPTS) {
                    throw e;
                }
                // The counter is not where this instance saw it: take it as it is and try the next number.
                CancellationReason counter = reasons.get(0);
                if ("ConditionalCheckFailed".equals(counter.code())) {
                    last = counter.hasItem() ? numberOrNull(counter.item(), "lastSeq") : null;
                } else {
                    // A conflict with a transaction in flight: its outcome is not known yet. Learn the
                    // counter afresh on the next try (its condition fails and hands it back).
                    last = null;
                    pause(attempt);
                }
            }
        }
    }

    private static ObjectNode numbered(ObjectNode message, long seq) {
        ObjectNode numbered = Json.object();
        numbered.put("type", message.get("type").asText());
        numbered.put("seq", seq);
        message.properties().forEach(f -> {
            if (!f.getKey().equals("type")) {
                numbered.set(f.getKey(), f.getValue());
            }
        });
        return numbered;
    }

    /**
     * The user's messages numbered above {@code afterSeq}, oldest first, at most {@code limit}. Pages
     * through the log: DynamoDB applies a query's limit before its filter, so one page of expired
     * items would otherwise read as "nothing missed".
     */
    public List<JsonNode> after(String tenantId, String userId, long afterSeq, int limit, long now) {
        List<JsonNode> messages = new ArrayList<>();
        for (var page : dynamoDb.queryPaginator(b -> b.tableName(table).limit(limit)
                .keyConditionExpression("userKey = :user AND seq > :after").filterExpression("expiresAt > :now")
                .expressionAttributeValues(Map.of(":user", s(Connections.userKey(tenantId, userId)),
                        ":after", n(Math.max(0, afterSeq)), ":now", n(now / 1000))))) {
            for (Map<String, AttributeValue> item : page.items()) {
                messages.add(Json.parse(item.get("message").s()));
                if (messages.size() == limit) {
                    return messages;
                }
            }
        }
        return messages;
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(5L << Math.min(attempt, 6)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
