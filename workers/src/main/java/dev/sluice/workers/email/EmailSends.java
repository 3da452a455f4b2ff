package dev.sluice.workers.email;

import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * The ledger that makes sending at most once: a send is recorded ({@code SENDING}) before the mailer
 * is called, so a redelivered message finds the record and never sends a second copy. Lives in the
 * jobs table beside its job ({@code pk=T#tenant, sk=S#jobId}).
 */
public final class EmailSends {

    public enum State { SENDING, SENT }

    /** What an earlier attempt left: its state and, once SENT, the provider's message id. */
    public record Send(State state, String messageId) {
    }

    private final DynamoDbClient dynamoDb;
    private final String table;

    public EmailSends(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
    }

    /** Records that this job is about to send; empty if it may, else what an earlier attempt recorded. */
    public Optional<Send> claim(String tenantId, String jobId, long now) {
        try {
            dynamoDb.putItem(b -> b.tableName(table)
                    .item(Map.of("pk", s("T#" + tenantId), "sk", s("S#" + jobId), "state", s(State.SENDING.name()),
                            "claimedAt", AttributeValue.fromN(Long.toString(now))))
                    .conditionExpression("attribute_not_exists(pk)")
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return Optional.empty();
        } catch (ConditionalCheckFailedException e) {
            Map<String, AttributeValue> old = e.item();
            AttributeValue id = old.get("messageId");
            return Optional.of(new Send(State.valueOf(old.get("state").s()), id == null ? null : id.s()));
        }
    }

    public void sent(String tenantId, String jobId, String messageId) {
        dynamoDb.updateItem(b -> b.tableName(table).key(key(tenantId, jobId))
                .updateExpression("SET #state = :sent, messageId = :id")
                .expressionAttributeNames(Map.of("#state", "state"))
                .expressionAttributeValues(Map.of(":sent", s(State.SENT.name()), ":id", s(messageId))));
    }

    /** The mailer refused before sending anything: a later attempt may send. */
    public void release(String tenantId, String jobId) {
        dynamoDb.deleteItem(b -> b.tableName(table).key(key(tenantId, jobId)));
    }

    private static Map<String, AttributeValue> key(String tenantId, String jobId) {
        return Map.of("pk", s("T#" + tenantId), "sk", s("S#" + jobId));
    }

    private static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }
}
