package dev.sluice.workers.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import com.amazonaws.services.lambda.runtime.Context;
import dev.sluice.core.json.Json;
import dev.sluice.workers.idempotency.exception.IdempotencyAlreadyInProgressException;
import dev.sluice.workers.idempotency.exception.IdempotencyPersistenceException;
import dev.sluice.workers.idempotency.exception.IdempotencyValidationException;
import dev.sluice.workers.support.TestClock;
import dev.sluice.workers.support.TestContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** Against DynamoDB Local's engine in-process, so the condition expressions run for real. */
class IdempotencyTest {

    private static final Instant START = Instant.parse("2026-11-22T10:15:30.250Z");
    private static final int REMAINING_MILLIS = 8000;

    private static AmazonDynamoDBLocal local;
    private static DynamoDbClient dynamoDb;
    private static final AtomicInteger TABLES = new AtomicInteger();

    private final TestClock clock = new TestClock(START);
    private final Context context = new TestContext(REMAINING_MILLIS);
    private final AtomicInteger runs = new AtomicInteger();
    private String table;
    private Idempotency idempotency;

    record Receipt(String jobId, int run) {
    }

    @BeforeAll
    static void startDynamoDb() {
        local = DynamoDBEmbedded.create(true);
        dynamoDb = local.dynamoDbClient();
    }

    @AfterAll
    static void stopDynamoDb() {
        local.shutdown();
    }

    @BeforeEach
    void createTable() {
        // The layout the runtime creates: partition key id (S); expiration is its TTL attribute.
        table = "idempotency-" + TABLES.incrementAndGet();
        dynamoDb.createTable(b -> b.tableName(table)
                .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build())
                .attributeDefinitions(AttributeDefinition.builder().attributeName("id")
                        .attributeType(ScalarAttributeType.S).build())
                .billingMode(BillingMode.PAY_PER_REQUEST));
        idempotency = idempotency(IdempotencyConfig.defaults());
    }

    @Test
    void runsTheWorkOnceAndReplaysItsStoredResult() throws Exception {
        Receipt first = idempotency.once("job_01", Map.of("jobId", "job_01"), context, Receipt.class, work("job_01"));
        clock.advance(Duration.ofMinutes(30));
        Receipt repeat = idempotency.once("job_01", Map.of("jobId", "job_01"), context, Receipt.class, work("job_01"));

        assertThat(first).isEqualTo(new Receipt("job_01", 1));
        assertThat(repeat).isEqualTo(first);
        assertThat(runs).hasValue(1);
    }

    @Test
    void keysAreIndependentAndScoped() throws Exception {
        Idempotency otherWorker = new Idempotency(new DynamoDbIdempotencyStore(dynamoDb, table), "other-worker",
                IdempotencyConfig.defaults(), clock);

        idempotency.once("job_01", null, context, Receipt.class, work("job_01"));
        idempotency.once("job_02", null, context, Receipt.class, work("job_02"));
        otherWorker.once("job_01", null, context, Receipt.class, work("job_01"));

        assertThat(runs).hasValue(3);
        assertThat(item("jobs-worker#job_01")).isNotNull();
        assertThat(item("other-worker#job_01")).isNotNull();
    }

    @Test
    void aCallWhileTheKeyIsInProgressIsRefusedWithoutRunning() throws Exception {
        Receipt outer = idempotency.once("job_01", null, context, Receipt.class, () -> {
            assertThatThrownBy(() -> idempotency.once("job_01", null, context, Receipt.class, work("job_01")))
                    .isInstanceOf(IdempotencyAlreadyInProgressException.class);
            return new Receipt("job_01", runs.incrementAndGet());
        });

        assertThat(outer).isEqualTo(new Receipt("job_01", 1));
        assertThat(runs).hasValue(1);
        assertThat(item("jobs-worker#job_01").get("status").s()).isEqualTo("COMPLETED");
    }

    @Test
    void aFailedRunDeletesItsRecordAndRethrowsSoARetryRuns() throws Exception {
        IllegalStateException failure = new IllegalStateException("downstream said no");

        assertThatThrownBy(() -> idempotency.once("job_01", null, context, Receipt.class, () -> {
            runs.incrementAndGet();
            throw failure;
        })).isSameAs(failure);
        assertThat(item("jobs-worker#job_01")).isNull();

        Receipt retry = idempotency.once("job_01", null, context, Receipt.class, work("job_01"));

        assertThat(retry).isEqualTo(new Receipt("job_01", 2));
    }

    @Test
    void aCheckedExceptionComesBackAsItself() throws Exception {
        Exception failure = new IOException("disk full");

        assertThatThrownBy(() -> idempotency.once("job_01", null, context, Receipt.class, () -> {
            throw failure;
        })).isSameAs(failure);
        assertThat(item("jobs-worker#job_01")).isNull();
    }

    @Test
    void aCompletedRecordCountsUntilItsExpirationAndNotAfter() throws Exception {
        idempotency.once("job_01", null, context, Receipt.class, work("job_01"));

        clock.advance(Duration.ofHours(1));
        Receipt atExpiration = idempotency.once("job_01", null, context, Receipt.class, work("job_01"));
        clock.advance(Duration.ofSeconds(1));
        Receipt afterExpiration = idempotency.once("job_01", null, context, Receipt.class, work("job_01"));

        assertThat(atExpiration).isEqualTo(new Receipt("job_01", 1));
        assertThat(afterExpiration).isEqualTo(new Receipt("job_01", 2));
        assertThat(runs).hasValue(2);
    }

    @Test
    void anInProgressRecordPastItsInProgressExpirationIsARunThatDiedAndRunsAgain() throws Exception {
        // The outer run stands for an invocation that timed out mid-work: its INPROGRESS record
        // stays behind while a redelivery comes in.
        List<Object> redeliveries = new ArrayList<>();
        idempotency.once("job_01", null, context, Receipt.class, () -> {
            clock.advance(Duration.ofMillis(REMAINING_MILLIS));
            assertThatThrownBy(() -> idempotency.once("job_01", null, context, Receipt.class, work("job_01")))
                    .isInstanceOf(IdempotencyAlreadyInProgressException.class);
            clock.advance(Duration.ofMillis(1));
            redeliveries.add(idempotency.once("job_01", null, context, Receipt.class, work("job_01")));
            return null;
        });

        assertThat(redeliveries).containsExactly(new Receipt("job_01", 1));
    }

    @Test
    void withoutAContextTheRunHoldsTheKeyForTheWholeExpiry() throws Exception {
        idempotency.once("job_01", null, null, Receipt.class, () -> {
            assertThat(item("jobs-worker#job_01").get("in_progress_expiration").n())
                    .isEqualTo(String.valueOf(START.toEpochMilli() + Duration.ofHours(1).toMillis()));
            return work("job_01").call();
        });

        assertThat(runs).hasValue(1);
    }

    @Test
    void aRepeatWithADifferentPayloadIsRefused() throws Exception {
        idempotency.once("job_01", Map.of("jobId", "job_01", "size", 3), context, Receipt.class, work("job_01"));

        assertThatThrownBy(() -> idempotency.once("job_01", Map.of("jobId", "job_01", "size", 4), context,
                Receipt.class, work("job_01")))
                .isInstanceOf(IdempotencyValidationException.class);
        assertThat(runs).hasValue(1);
    }

    @Test
    void payloadsCompareByCanonicalJsonNotByKeyOrderOrType() throws Exception {
        Map<String, Object> first = new LinkedHashMap<>();
        first.put("jobId", "job_01");
        first.put("options", Map.of("a", 1, "b", List.of(1, 2)));

        idempotency.once("job_01", first, context, Receipt.class, work("job_01"));
        Receipt repeat = idempotency.once("job_01", Json.parse("{\"options\":{\"b\":[1,2],\"a\":1},\"jobId\":\"job_01\"}"),
                context, Receipt.class, work("job_01"));

        assertThat(repeat).isEqualTo(new Receipt("job_01", 1));
        assertThat(runs).hasValue(1);
    }

    @Test
    void withValidationOffADifferentPayloadReplays() throws Exception {
        Idempotency lenient = idempotency(new IdempotencyConfig(Duration.ofHours(1), false));

        lenient.once("job_01", Map.of("size", 3), context, Receipt.class, work("job_01"));
        Receipt repeat = lenient.once("job_01", Map.of("size", 4), context, Receipt.class, work("job_01"));

        assertThat(repeat).isEqualTo(new Receipt("job_01", 1));
        assertThat(item("jobs-worker#job_01")).doesNotContainKey("validation");
    }

    @Test
    void theStoredItemHasPowertoolsAttributesAndNoOthers() throws Exception {
        Map<String, Object> payload = Map.of("tenantId", "acme", "jobId", "job_01");
        idempotency.once("job_01", payload, context, Receipt.class, () -> {
            Map<String, AttributeValue> inProgress = item("jobs-worker#job_01");
            assertThat(inProgress).containsOnlyKeys("id", "expiration", "status", "validation",
                    "in_progress_expiration");
            assertThat(inProgress.get("status").s()).isEqualTo("INPROGRESS");
            return work("job_01").call();
        });
        Map<String, AttributeValue> completed = item("jobs-worker#job_01");

        assertThat(completed).containsOnlyKeys("id", "expiration", "status", "data", "validation",
                "in_progress_expiration");
        assertThat(completed.get("id").s()).isEqualTo("jobs-worker#job_01");
        assertThat(completed.get("status").s()).isEqualTo("COMPLETED");
        assertThat(completed.get("data").s()).isEqualTo("{\"jobId\":\"job_01\",\"run\":1}");
        assertThat(completed.get("validation").s())
                .isEqualTo(sha256Hex("{\"jobId\":\"job_01\",\"tenantId\":\"acme\"}"));
        assertThat(completed.get("in_progress_expiration").n())
                .isEqualTo(String.valueOf(START.toEpochMilli() + REMAINING_MILLIS));
        assertThat(completed.get("expiration").n())
                .isEqualTo(String.valueOf(START.plus(Duration.ofHours(1)).getEpochSecond()));
    }

    @Test
    void theCompletedExpirationCountsFromWhenTheWorkFinished() throws Exception {
        idempotency.once("job_01", null, context, Receipt.class, () -> {
            clock.advance(Duration.ofMinutes(10));
            return work("job_01").call();
        });

        assertThat(item("jobs-worker#job_01").get("expiration").n())
                .isEqualTo(String.valueOf(START.plus(Duration.ofMinutes(70)).getEpochSecond()));
    }

    @Test
    void aNullResultIsStoredAndReplayedAsNull() throws Exception {
        assertThat(idempotency.once("job_01", null, context, Receipt.class, () -> {
            runs.incrementAndGet();
            return null;
        })).isNull();
        assertThat(idempotency.once("job_01", null, context, Receipt.class, work("job_01"))).isNull();
        assertThat(runs).hasValue(1);
    }

    @Test
    void anUnusableTableIsAPersistenceErrorAndTheWorkDoesNotRun() {
        Idempotency broken = new Idempotency(new DynamoDbIdempotencyStore(dynamoDb, "no-such-table"), "jobs-worker",
                IdempotencyConfig.defaults(), clock);

        assertThatThrownBy(() -> broken.once("job_01", null, context, Receipt.class, work("job_01")))
                .isInstanceOf(IdempotencyPersistenceException.class)
                .hasCauseInstanceOf(ResourceNotFoundException.class);
        assertThat(runs).hasValue(0);
    }

    @Test
    void aResultThatCannotBeMarkedCompletedIsStillReturned() throws Exception {
        Receipt result = idempotency.once("job_01", null, context, Receipt.class, () -> {
            dynamoDb.deleteTable(b -> b.tableName(table));
            return work("job_01").call();
        });

        assertThat(result).isEqualTo(new Receipt("job_01", 1));
    }

    @Test
    void aFailedDeleteRidesAlongWithTheOriginalException() {
        IllegalStateException failure = new IllegalStateException("downstream said no");

        assertThatThrownBy(() -> idempotency.once("job_01", null, context, Receipt.class, () -> {
            dynamoDb.deleteTable(b -> b.tableName(table));
            throw failure;
        })).isSameAs(failure);
        assertThat(failure.getSuppressed()).singleElement().isInstanceOf(IdempotencyPersistenceException.class);
    }

    @Test
    void aKeyIsRequired() {
        assertThatThrownBy(() -> idempotency.once(" ", null, context, Receipt.class, work("job_01")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(runs).hasValue(0);
    }

    private Idempotency idempotency(IdempotencyConfig config) {
        return new Idempotency(new DynamoDbIdempotencyStore(dynamoDb, table), "jobs-worker", config, clock);
    }

    private Callable<Receipt> work(String jobId) {
        return () -> new Receipt(jobId, runs.incrementAndGet());
    }

    private Map<String, AttributeValue> item(String id) {
        var response = dynamoDb.getItem(b -> b.tableName(table).key(Map.of("id", AttributeValue.fromS(id)))
                .consistentRead(true));
        return response.hasItem() ? response.item() : null;
    }

    private static String sha256Hex(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

}
