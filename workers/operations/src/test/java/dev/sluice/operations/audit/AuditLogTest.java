package dev.sluice.operations.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import dev.sluice.core.topology.Definitions;
import dev.sluice.core.topology.TableSpec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** Against DynamoDB Local's engine, with the table as the topology declares it. */
class AuditLogTest {

    private static AmazonDynamoDBLocal local;
    private static DynamoDbClient dynamoDb;

    @BeforeAll
    static void startDynamoDb() {
        local = DynamoDBEmbedded.create(true);
        dynamoDb = local.dynamoDbClient();
    }

    @AfterAll
    static void stopDynamoDb() {
        local.shutdown();
    }

    private static String createTable(String name) {
        TableSpec spec = Definitions.bundled().topology().table(AuditLog.TABLE).orElseThrow();
        dynamoDb.createTable(b -> b.tableName(name)
                .keySchema(KeySchemaElement.builder().attributeName(spec.partitionKey().name()).keyType(KeyType.HASH)
                        .build(), KeySchemaElement.builder().attributeName(spec.sortKey().name())
                        .keyType(KeyType.RANGE).build())
                .attributeDefinitions(
                        AttributeDefinition.builder().attributeName(spec.partitionKey().name())
                                .attributeType(ScalarAttributeType.S).build(),
                        AttributeDefinition.builder().attributeName(spec.sortKey().name())
                                .attributeType(ScalarAttributeType.S).build())
                .billingMode(BillingMode.PAY_PER_REQUEST));
        return name;
    }

    @Test
    void anActionIsUnfinishedUntilItsEndIsRecorded() {
        AuditLog audit = new AuditLog(dynamoDb, createTable("audit-finish"),
                Clock.fixed(Instant.parse("2026-12-02T10:00:00Z"), ZoneOffset.UTC));
        AuditRecord started = audit.begin("dlq.replay", "local:ops", "cli", "email-dlq",
                Map.of("match", "{\"detail\":{\"type\":[\"email.send\"]}}", "rate", "5"), false);
        AuditRecord interrupted = audit.begin("dlq.purge", "local:ops", "cli", "analytics-dlq", Map.of(), false);

        audit.finish(started, AuditRecord.Outcome.PARTIAL, Map.of("moved", 3L, "failed", 1L), null);

        List<AuditRecord> records = audit.since(Instant.parse("2026-12-01T00:00:00Z"));
        assertThat(records).extracting(AuditRecord::id).containsExactlyInAnyOrder(started.id(), interrupted.id());
        AuditRecord finished = records.stream().filter(r -> r.id().equals(started.id())).findFirst().orElseThrow();
        assertThat(finished.unfinished()).isFalse();
        assertThat(finished.outcome()).isEqualTo(AuditRecord.Outcome.PARTIAL);
        assertThat(finished.counts()).containsEntry("moved", 3L).containsEntry("failed", 1L);
        assertThat(finished.selection()).containsEntry("rate", "5");
        assertThat(finished.principal()).isEqualTo("local:ops");
        AuditRecord cut = records.stream().filter(r -> r.id().equals(interrupted.id())).findFirst().orElseThrow();
        assertThat(cut.unfinished()).isTrue();
        assertThat(cut.outcome()).isNull();
    }

    @Test
    void sinceReadsEveryMonthFromTheFirstInTimeOrder() {
        String table = createTable("audit-months");
        AuditLog november = new AuditLog(dynamoDb, table,
                Clock.fixed(Instant.parse("2026-11-30T23:59:59.999Z"), ZoneOffset.UTC));
        AuditLog december = new AuditLog(dynamoDb, table,
                Clock.fixed(Instant.parse("2026-12-01T00:00:00.001Z"), ZoneOffset.UTC));
        AuditRecord older = november.begin("jobs.retry", "arn:aws:iam::1:user/a", "cli", "job-1", Map.of(), false);
        AuditRecord newer = december.begin("jobs.retry", "arn:aws:iam::1:user/a", "cli", "job-2", Map.of(), false);
        new AuditLog(dynamoDb, table, Clock.fixed(Instant.parse("2026-11-30T23:59:59.998Z"), ZoneOffset.UTC))
                .begin("jobs.retry", "arn:aws:iam::1:user/a", "cli", "job-0", Map.of(), false);

        assertThat(december.since(Instant.parse("2026-11-30T23:59:59.998Z"))).extracting(AuditRecord::target)
                .containsExactly("job-0", "job-1", "job-2");
        assertThat(december.since(Instant.parse("2026-11-30T23:59:59.999Z"))).extracting(AuditRecord::target)
                .containsExactly("job-1", "job-2");
        assertThat(december.since(Instant.parse("2026-12-01T00:00:00Z"))).extracting(AuditRecord::id)
                .containsExactly(newer.id());
        assertThat(older.startedAt()).isBefore(newer.startedAt());
    }

    @Test
    void finishingAnActionNeverRecordedFails() {
        AuditLog audit = new AuditLog(dynamoDb, createTable("audit-missing"), Clock.systemUTC());
        AuditRecord never = new AuditRecord("nope", "dlq.replay", "p", "cli", "q", Map.of(), false, Instant.now(),
                null, null, Map.of(), null);
        assertThatThrownBy(() -> audit.finish(never, AuditRecord.Outcome.SUCCEEDED, Map.of(), null))
                .isInstanceOf(ConditionalCheckFailedException.class);
    }
}
