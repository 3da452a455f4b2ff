package dev.sluice.local.stores;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.f4b6a3.uuid.UuidCreator;
import dev.sluice.core.jobs.IdempotencyKeyInUseException;
import dev.sluice.core.jobs.Job;
import dev.sluice.core.jobs.JobError;
import dev.sluice.core.jobs.JobStatus;
import dev.sluice.core.jobs.JobStore;
import dev.sluice.core.jobs.JobType;
import dev.sluice.core.jobs.Pending;
import dev.sluice.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The job row's conditional transitions, on DynamoDB Local's engine: the job path's only idempotency records. */
class JobStoreTest {

    static final long NOW = 1_800_000_000_000L;
    static final long HOUR = 3_600_000L;
    static StoreFixture fixture;
    static JobStore jobs;

    @BeforeAll
    static void start() {
        fixture = new StoreFixture();
        jobs = new JobStore(fixture.dynamoDb, "sluice-jobs");
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    static Job queued(String tenant) {
        return Job.queued(UuidCreator.getTimeOrderedEpoch().toString(), tenant, "u", JobType.AI_REQUEST, "normal", NOW,
                Json.parse("{\"input\":\"hi\"}"), null);
    }

    static Job created(String tenant) {
        Job job = queued(tenant);
        jobs.create(job, null, null, NOW, NOW + HOUR);
        return job;
    }

    @Test
    void aNewJobOwesItsOutcomeByItsDeadline() {
        Job job = created("t-deadline");

        assertThat(owed(job.jobId(), NOW + HOUR)).isEqualTo(Pending.DEADLINE);
        assertThat(owed(job.jobId(), NOW + HOUR - 1)).isNull();
        jobs.publishFailed(job.tenantId(), job.jobId(), NOW);
        assertThat(owed(job.jobId(), NOW + JobStore.PUBLISH_RETRY.toMillis())).isEqualTo(Pending.PUBLISH);
    }

    @Test
    void aPutRepeatedAfterALostResponseReportsItsOwnJobCreated() {
        // What the SDK does when a response is lost: the same request again, which now meets its own condition.
        Job job = queued("t-lost");
        assertThat(jobs.create(job, null, null, NOW, NOW + HOUR).created()).isTrue();
        assertThat(jobs.create(job, null, null, NOW, NOW + HOUR).created()).isTrue();

        Job keyed = queued("t-lost");
        assertThat(jobs.create(keyed, "k-1", "hash", NOW, NOW + HOUR)).satisfies(s -> assertThat(s.created()).isTrue());
        assertThat(jobs.create(keyed, "k-1", "hash", NOW, NOW + HOUR)).satisfies(s -> {
            assertThat(s.created()).isTrue();
            assertThat(s.job().jobId()).isEqualTo(keyed.jobId());
        });
        assertThat(jobs.list("t-lost", null, 10, null).jobs()).hasSize(2);
    }

    @Test
    void concurrentRequestsWithOneKeyCreateOneJobAndNeverFailOtherwise() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 10; round++) {
                String key = "race-" + round;
                List<Future<String>> outcomes = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    Callable<String> submit = () -> {
                        try {
                            JobStore.Submission s = jobs.create(queued("t-race"), key, "same-body", NOW, NOW + HOUR);
                            return (s.created() ? "created:" : "replayed:") + s.job().jobId();
                        } catch (IdempotencyKeyInUseException e) {
                            return "in-use";
                        }
                    };
                    outcomes.add(pool.submit(submit));
                }
                List<String> results = new ArrayList<>();
                for (Future<String> f : outcomes) {
                    results.add(f.get());
                }
                assertThat(results.stream().filter(r -> r.startsWith("created:"))).as(results.toString()).hasSize(1);
                String first = results.stream().filter(r -> r.startsWith("created:")).findFirst().orElseThrow()
                        .substring("created:".length());
                assertThat(results).allMatch(r -> r.equals("in-use") || r.endsWith(first));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(jobs.list("t-race", null, 100, null).jobs()).hasSize(10);
    }

    @Test
    void aLeaseKeepsADuplicateDeliveryOutUntilItIsReleasedOrRunsOut() {
        Job job = created("t-lease");

        JobStore.Claim first = jobs.markRunning(job.tenantId(), job.jobId(), NOW, NOW + 45_000, NOW + HOUR);
        JobStore.Claim duplicate = jobs.markRunning(job.tenantId(), job.jobId(), NOW + 1000, NOW + 46_000, NOW + HOUR);
        assertThat(first).isInstanceOfSatisfying(JobStore.Claim.Running.class,
                r -> assertThat(r.job().attempts()).isEqualTo(1));
        assertThat(duplicate).isInstanceOfSatisfying(JobStore.Claim.Skipped.class,
                s -> assertThat(s.leaseUntil()).isEqualTo(NOW + 45_000));

        jobs.releaseLease(job.tenantId(), job.jobId());
        assertThat(jobs.markRunning(job.tenantId(), job.jobId(), NOW + 2000, NOW + 47_000, NOW + HOUR))
                .isInstanceOfSatisfying(JobStore.Claim.Running.class, r -> assertThat(r.job().attempts()).isEqualTo(2));
        // An attempt that died holds the job only until its lease runs out.
        assertThat(jobs.markRunning(job.tenantId(), job.jobId(), NOW + 47_001, NOW + 90_000, NOW + HOUR))
                .isInstanceOfSatisfying(JobStore.Claim.Running.class, r -> assertThat(r.job().attempts()).isEqualTo(3));
    }

    @Test
    void aFailedJobWhoseErrorIsRetryableRunsAgainWhenItsMessageComesBack() {
        Job job = created("t-replay");
        jobs.markRunning(job.tenantId(), job.jobId(), NOW, NOW + 1000, NOW + HOUR);
        jobs.fail(job.tenantId(), job.jobId(), new JobError("retries_exhausted", "failed 3 times", true), NOW + 10);

        JobStore.Claim replay = jobs.markRunning(job.tenantId(), job.jobId(), NOW + HOUR, NOW + HOUR + 45_000,
                NOW + 2 * HOUR);

        assertThat(replay).isInstanceOfSatisfying(JobStore.Claim.Running.class, r -> {
            assertThat(r.job().status()).isEqualTo(JobStatus.RUNNING);
            assertThat(r.job().attempts()).isEqualTo(2);
            assertThat(r.job().replays()).isEqualTo(1);
            assertThat(r.job().replayedAt()).isEqualTo(NOW + HOUR);
            assertThat(r.job().error()).isNull();
            assertThat(r.job().finishedAt()).isNull();
        });
        assertThat(owed(job.jobId(), NOW + 2 * HOUR)).isEqualTo(Pending.DEADLINE);
        assertThat(jobs.get(job.tenantId(), job.jobId()).orElseThrow().replays()).isEqualTo(1);
    }

    @Test
    void aFailedJobWhoseErrorIsPermanentAndAFinishedOneNeverRunAgain() {
        Job bad = created("t-final");
        jobs.fail(bad.tenantId(), bad.jobId(), new JobError("invalid", "bad input", false), NOW);
        Job done = created("t-final");
        JobStore.Claim.Running running = (JobStore.Claim.Running) jobs.markRunning(done.tenantId(), done.jobId(), NOW,
                NOW + 1000, NOW + HOUR);
        jobs.complete(running.job(), Json.parse("{\"ok\":true}"), null, NOW + 5, List.of());

        assertThat(jobs.markRunning(bad.tenantId(), bad.jobId(), NOW + 1, NOW + 1000, NOW + HOUR))
                .isInstanceOfSatisfying(JobStore.Claim.Skipped.class, s -> {
                    assertThat(s.current().status()).isEqualTo(JobStatus.FAILED);
                    assertThat(s.leaseUntil()).isZero();
                });
        assertThat(jobs.markRunning(done.tenantId(), done.jobId(), NOW + 10, NOW + 1000, NOW + HOUR))
                .isInstanceOfSatisfying(JobStore.Claim.Skipped.class,
                        s -> assertThat(s.current().status()).isEqualTo(JobStatus.SUCCEEDED));
        assertThat(jobs.markRunning("t-final", UuidCreator.getTimeOrderedEpoch().toString(), NOW, NOW + 1, NOW))
                .isInstanceOfSatisfying(JobStore.Claim.Skipped.class, s -> assertThat(s.current()).isNull());
    }

    @Test
    void aCursorMustBeExactlyTheKeyTheListingHandsOut() {
        for (int i = 0; i < 3; i++) {
            created("t-cursor");
        }
        String real = jobs.list("t-cursor", null, 1, null).cursor();
        assertThat(jobs.list("t-cursor", null, 1, real).jobs()).hasSize(1);

        String someJob = "J#" + UuidCreator.getTimeOrderedEpoch();
        for (String crafted : List.of("", "e30", cursor(Map.of("pk", "T#t-cursor")),
                cursor(Map.of("pk", "T#other", "sk", someJob)),
                cursor(Map.of("pk", "T#t-cursor", "sk", "K#an-idempotency-key")),
                cursor(Map.of("pk", "T#t-cursor", "sk", someJob, "extra", "x")),
                cursor(Map.of("pk", "T#t-cursor", "sk", "J#" + "x".repeat(2000))), "%%%", "bnVsbA")) {
            assertThatThrownBy(() -> jobs.list("t-cursor", null, 1, crafted)).as(crafted)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> jobs.list("t-cursor", JobStatus.QUEUED, 1, real))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anIdThatIsNoJobIdIsNotFoundWithoutALookup() {
        assertThat(jobs.get("t", "x".repeat(5000))).isEmpty();
        assertThat(jobs.get("t", "../../etc")).isEmpty();
    }

    @Test
    void aRowThatDoesNotReadAsAJobIsReportedAndCanBeSetAside() {
        String sk = "J#" + UuidCreator.getTimeOrderedEpoch();
        fixture.dynamoDb.putItem(b -> b.tableName("sluice-jobs").item(Map.of("pk", AttributeValue.fromS("T#t-bad"),
                "sk", AttributeValue.fromS(sk), "pending", AttributeValue.fromS("PUBLISH"),
                "pendingShard", AttributeValue.fromS("3"), "pendingDue", AttributeValue.fromN(Long.toString(NOW - 5)))));

        assertThat(jobs.due(NOW, 100)).filteredOn(d -> d instanceof JobStore.Due.Unreadable u && u.sk().equals(sk))
                .hasSize(1);
        jobs.deferUnreadable("T#t-bad", sk, NOW + HOUR);
        assertThat(jobs.due(NOW, 100)).noneMatch(d -> d instanceof JobStore.Due.Unreadable u && u.sk().equals(sk));
    }

    private static String cursor(Map<String, String> key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Json.write(key).getBytes(StandardCharsets.UTF_8));
    }

    /** The duty the pending index says the job owes at {@code at}, or null. */
    private static Pending owed(String jobId, long at) {
        return jobs.due(at, 1000).stream().filter(d -> d instanceof JobStore.Due.Owed o && o.job().jobId().equals(jobId))
                .map(d -> ((JobStore.Due.Owed) d).duty()).findFirst().orElse(null);
    }
}
