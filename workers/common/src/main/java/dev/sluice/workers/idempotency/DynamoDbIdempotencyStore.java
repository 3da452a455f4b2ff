package dev.sluice.workers.idempotency;

import static dev.sluice.core.dynamodb.Attributes.n;
import static dev.sluice.core.dynamodb.Attributes.s;
import static dev.sluice.core.dynamodb.Attributes.text;

import dev.sluice.workers.idempotency.DataRecord.Status;
import dev.sluice.workers.idempotency.exception.IdempotencyPersistenceException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The idempotency table, laid out as Powertools' DynamoDB persistence store lays it out: partition
 * key {@code id}, TTL attribute {@code expiration}. DynamoDB's TTL deletes late (up to days), so
 * the conditional write treats a record past its expiration as absent instead of waiting for it.
 */
public final class DynamoDbIdempotencyStore {

    static final String ID = "id";
    static final String EXPIRATION = "expiration";
    static final String STATUS = "status";
    static final String DATA = "data";
    static final String VALIDATION = "validation";
    static final String IN_PROGRESS_EXPIRATION = "in_progress_expiration";

    // A record may be taken over when there is none, when it has expired, or when it is a run that
    // died: INPROGRESS past the time its Lambda had left.
    private static final String CLAIMABLE = "attribute_not_exists(#id) OR #expiration < :now"
            + " OR (#status = :inprogress AND attribute_exists(#in_progress_expiration)"
            + " AND #in_progress_expiration < :now_millis)";

    private final DynamoDbClient dynamoDb;
    private final String tableName;

    public DynamoDbIdempotencyStore(DynamoDbClient dynamoDb, String tableName) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.tableName = Objects.requireNonNull(tableName, "tableName");
    }

    /**
     * Writes the INPROGRESS record unless a live one holds its id. One conditional write, no read
     * before it: the common case (a first run) costs a single call, and ALL_OLD hands back the
     * holder in the same call otherwise.
     *
     * @return empty when this run now holds the id; else the record that holds it
     */
    Optional<DataRecord> putInProgress(DataRecord record, Instant now) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(ID, s(record.id()));
        item.put(EXPIRATION, n(record.expiration()));
        item.put(STATUS, s(Status.INPROGRESS.name()));
        item.put(IN_PROGRESS_EXPIRATION, n(record.inProgressExpiration()));
        if (record.validation() != null) {
            item.put(VALIDATION, s(record.validation()));
        }
        try {
            dynamoDb.putItem(PutItemRequest.builder()
                    .tableName(tableName)
                    .item(item)
                    .conditionExpression(CLAIMABLE)
                    .expressionAttributeNames(Map.of("#id", ID, "#expiration", EXPIRATION, "#status", STATUS,
                            "#in_progress_expiration", IN_PROGRESS_EXPIRATION))
                    .expressionAttributeValues(Map.of(
                            ":now", n(now.getEpochSecond()),
                            ":now_millis", n(now.toEpochMilli()),
                            ":inprogress", s(Status.INPROGRESS.name())))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                    .build());
            return Optional.empty();
        } catch (ConditionalCheckFailedException e) {
            // The condition only fails on an existing item, so ALL_OLD always carries it.
            if (!e.hasItem()) {
                throw new IdempotencyPersistenceException("conditional write on " + record.id()
                        + " failed without returning the item that failed it", e);
            }
            return Optional.of(toRecord(e.item()));
        } catch (SdkException e) {
            throw new IdempotencyPersistenceException("could not save the in-progress record " + record.id(), e);
        }
    }

    /** Marks the run done and keeps its result; unconditional, as Powertools. */
    void putCompleted(String id, String data, long expiration) {
        try {
            dynamoDb.updateItem(UpdateItemRequest.builder()
                    .tableName(tableName)
                    .key(Map.of(ID, s(id)))
                    .updateExpression("SET #data = :data, #expiration = :expiration, #status = :completed")
                    .expressionAttributeNames(Map.of("#data", DATA, "#expiration", EXPIRATION, "#status", STATUS))
                    .expressionAttributeValues(Map.of(
                            ":data", s(data),
                            ":expiration", n(expiration),
                            ":completed", s(Status.COMPLETED.name())))
                    .build());
        } catch (SdkException e) {
            throw new IdempotencyPersistenceException("could not save the completed record " + id, e);
        }
    }

    void delete(String id) {
        try {
            dynamoDb.deleteItem(DeleteItemRequest.builder().tableName(tableName).key(Map.of(ID, s(id))).build());
        } catch (SdkException e) {
            throw new IdempotencyPersistenceException("could not delete the record " + id, e);
        }
    }

    private static DataRecord toRecord(Map<String, AttributeValue> item) {
        String status = text(item, STATUS);
        AttributeValue expiration = item.get(EXPIRATION);
        if (expiration == null || Arrays.stream(Status.values()).noneMatch(known -> known.name().equals(status))) {
            throw new IdempotencyPersistenceException("not an idempotency record: " + text(item, ID));
        }
        AttributeValue inProgressExpiration = item.get(IN_PROGRESS_EXPIRATION);
        return new DataRecord(text(item, ID), Status.valueOf(status), Long.parseLong(expiration.n()),
                text(item, DATA), text(item, VALIDATION),
                inProgressExpiration == null ? null : Long.valueOf(inProgressExpiration.n()));
    }
}
