package dev.sluice.operations.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import dev.sluice.core.jobs.Job;
import dev.sluice.core.jobs.JobError;
import dev.sluice.core.jobs.JobStore;
import dev.sluice.core.jobs.JobType;
import dev.sluice.core.json.Json;
import dev.sluice.core.topology.Definitions;
import dev.sluice.core.topology.TableSpec;
import dev.sluice.core.topology.Topology;
import dev.sluice.operations.select.MessagePattern;
import dev.sluice.workers.jobevents.JobRoutes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** Which jobs a retry puts back, against DynamoDB Local's engine with rows JobStore itself wrote. */
class JobRetrySelectionTest {

    private static final Topology TOPOLOGY = Definitions.bundled().topology();
    private static final long T0 = Instant.parse("2026-12-02T10:00:00Z").toEpochMilli();
    private static final long HOUR = 3_600_000L;

    private static AmazonDynamoDBLocal local;
    private static DynamoDbClient dynamoDb;
    private static int tables;

    private JobStore jobs;
    private JobRetrySelection selection;

    @BeforeAll
    static void startDynamoDb() {
        local = DynamoDBEmbedded.create(true);
        dynamoDb = local.dynamoDbClient();
    }

    @AfterAll
    static void stopDynamoDb() {
        local.shutdown();
    }

    /** A fresh jobs table per test, keyed and indexed as the topology declares it. */
    @org.junit.jupiter.api.BeforeEach
    void freshTable() {
        TableSpec spec = TOPOLOGY.table("sluice-jobs").orElseThrow();
        String name = "jobs-" + (++tables);
        Map<String, AttributeDefinition> attributes = new LinkedHashMap<>();
        List<TableSpec.Key> keys = new ArrayList<>(List.of(spec.partitionKey(), spec.sortKey()));
        List<GlobalSecondaryIndex> indexes = new ArrayList<>();
        for (TableSpec.Index index : spec.indexes()) {
            keys.add(index.partitionKey());
            keys.add(index.sortKey());
            indexes.add(GlobalSecondaryIndex.builder().indexName(index.name())
                    .keySchema(key(index.partitionKey(), KeyType.HASH), key(index.sortKey(), KeyType.RANGE))
                    .projection(p -> p.projectionType(ProjectionType.ALL)).build());
        }
        keys.forEach(k -> attributes.putIfAbsent(k.name(), AttributeDefinition.builder().attributeName(k.name())
                .attributeType(ScalarAttributeType.fromValue(k.type())).build()));
        dynamoDb.createTable(b -> b.tableName(name).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(attributes.values())
                .keySchema(key(spec.partitionKey(), KeyType.HASH), key(spec.sortKey(), KeyType.RANGE))
                .globalSecondaryIndexes(indexes));
        jobs = new JobStore(dynamoDb, name);
        selection = new JobRetrySelection(jobs, new JobRoutes(TOPOLOGY));
    }

    private static KeySchemaElement key(TableSpec.Key key, KeyType type) {
        return KeySchemaElement.builder().attributeName(key.name()).keyType(type).build();
    }

    /** A job that ran and FAILED at {@code failedAt}, after {@code replays} replays that failed too. */
    private Job failed(String tenant, JobType type, String priority, JobError error, long failedAt, int replays) {
        String id = UUID.randomUUID().toString();
        var payload = Json.parse("{\"input\":\"x\"}");
        jobs.create(Job.queued(id, tenant, "u-1", type, priority, failedAt - HOUR, payload, null), null, null,
                failedAt - HOUR, failedAt + HOUR);
        for (int run = 0; run <= replays; run++) {
            long at = failedAt - HOUR + run + 1;
            assertThat(jobs.markRunning(tenant, id, at, at + 60_000, at + HOUR))
                    .isInstanceOf(JobStore.Claim.Running.class);
            jobs.fail(tenant, id, run < replays ? retryable() : error, run < replays ? at : failedAt).orElseThrow();
        }
        Job job = jobs.get(tenant, id).orElseThrow();
        assertThat(job.replays()).isEqualTo(replays);
        return job;
    }

    private static JobError retryable() {
        return new JobError("retries_exhausted", "failed on all 3 attempts", true);
    }

    @Test
    void aRetryableFailureGoesBackToItsLaneAndAPermanentOneIsSkippedWithWhy() {
        Job flaky = failed("acme", JobType.AI_REQUEST, "normal", retryable(), T0, 0);
        Job bad = failed("acme", JobType.AI_REQUEST, "normal", new JobError("invalid_payload", "no input", false),
                T0, 0);

        RetryCandidate retried = selection.of(new JobRetrySelection.ById(flaky.jobId(), "acme", false));
        assertThat(retried.verdict()).isEqualTo(RetryCandidate.Verdict.RETRY);
        assertThat(retried.lanes()).containsExactly("ai-requests");
        RetryCandidate skipped = selection.of(new JobRetrySelection.ById(bad.jobId(), "acme", false));
        assertThat(skipped.verdict()).isEqualTo(RetryCandidate.Verdict.SKIPPED);
        assertThat(skipped.why()).contains("invalid_payload", "permanent");
    }

    @Test
    void aJobReplayedThreeTimesIsRefusedUnlessForced() {
        Job twice = failed("acme", JobType.AI_REQUEST, "high", retryable(), T0, 2);
        Job thrice = failed("acme", JobType.AI_REQUEST, "high", retryable(), T0, 3);

        assertThat(selection.of(new JobRetrySelection.ById(twice.jobId(), "acme", false)).verdict())
                .isEqualTo(RetryCandidate.Verdict.RETRY);
        RetryCandidate refused = selection.of(new JobRetrySelection.ById(thrice.jobId(), "acme", false));
        assertThat(refused.verdict()).isEqualTo(RetryCandidate.Verdict.REFUSED);
        assertThat(refused.why()).contains("replayed 3 times", "--force");
        RetryCandidate forced = selection.of(new JobRetrySelection.ById(thrice.jobId(), "acme", true));
        assertThat(forced.verdict()).isEqualTo(RetryCandidate.Verdict.RETRY);
        assertThat(forced.lanes()).containsExactly("ai-requests-high");
    }

    @Test
    void aJobIsFoundByItsIdAloneAndAnUnknownIdIsAUsageError() {
        Job job = failed("globex", JobType.EMAIL_SEND, "normal", retryable(), T0, 0);

        RetryCandidate found = selection.of(new JobRetrySelection.ById(job.jobId(), null, false));
        assertThat(found.job().tenantId()).isEqualTo("globex");
        assertThat(found.lanes()).containsExactly("email");
        String nobody = UUID.randomUUID().toString();
        assertThatThrownBy(() -> selection.of(new JobRetrySelection.ById(nobody, null, false)))
                .isInstanceOf(JobRetrySelection.UnknownJobException.class).hasMessage("no job \"" + nobody + "\"");
        assertThatThrownBy(() -> selection.of(new JobRetrySelection.ById(job.jobId(), "acme", false)))
                .isInstanceOf(JobRetrySelection.UnknownJobException.class).hasMessageContaining("in tenant \"acme\"");
    }

    @Test
    void aSelectionTakesTheJobsFailedSinceThenThatMatchOldestFirstUpToTheLimit() {
        Job old = failed("acme", JobType.AI_REQUEST, "normal", retryable(), T0 - 3 * HOUR, 0);
        Job first = failed("acme", JobType.AI_REQUEST, "normal", retryable(), T0, 0);
        Job email = failed("acme", JobType.EMAIL_SEND, "normal", retryable(), T0 + 1, 0);
        Job second = failed("acme", JobType.AI_REQUEST, "normal", retryable(), T0 + 2, 0);
        Job otherTenant = failed("globex", JobType.AI_REQUEST, "normal", retryable(), T0 + 3, 0);
        Job permanent = failed("acme", JobType.AI_REQUEST, "normal", new JobError("invalid_payload", "x", false),
                T0 + 4, 0);
        Instant since = Instant.ofEpochMilli(T0 - HOUR);

        assertThat(selection.of(new JobRetrySelection.Failed(since, "acme", MessagePattern.all(), 100, false)))
                .extracting(c -> c.job().jobId())
                .containsExactly(first.jobId(), email.jobId(), second.jobId(), permanent.jobId());
        assertThat(selection.of(new JobRetrySelection.Failed(since, null, MessagePattern.all(), 100, false)))
                .extracting(c -> c.job().jobId()).contains(otherTenant.jobId()).doesNotContain(old.jobId());
        MessagePattern ai = MessagePattern.of("{\"detail\":{\"type\":[\"ai.request\"]}}");
        List<RetryCandidate> chosen = selection.of(new JobRetrySelection.Failed(since, "acme", ai, 2, false));
        assertThat(chosen).extracting(c -> c.job().jobId()).containsExactly(first.jobId(), second.jobId());
        assertThat(chosen).extracting(RetryCandidate::verdict).containsOnly(RetryCandidate.Verdict.RETRY);
    }
}
