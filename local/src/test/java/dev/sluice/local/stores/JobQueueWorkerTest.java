package dev.sluice.local.stores;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.f4b6a3.uuid.UuidCreator;
import dev.sluice.core.failure.PortFailure;
import dev.sluice.core.jobs.Job;
import dev.sluice.core.jobs.JobStatus;
import dev.sluice.core.jobs.JobStore;
import dev.sluice.core.jobs.JobType;
import dev.sluice.core.json.Json;
import dev.sluice.core.topology.Definitions;
import dev.sluice.local.metrics.LocalMetrics;
import dev.sluice.local.support.Await;
import dev.sluice.local.support.Scraped;
import dev.sluice.workers.batch.SqsBatchProcessor;
import dev.sluice.workers.jobevents.ClaimChecks;
import dev.sluice.workers.jobevents.JobEvents;
import dev.sluice.workers.jobs.JobExecutor;
import dev.sluice.workers.jobs.JobOutcome;
import dev.sluice.workers.jobs.JobQueueWorker;
import dev.sluice.workers.jobs.RetrySchedule;
import dev.sluice.workers.metrics.Metrics;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The worker every lane shares, on DynamoDB Local's engine: how it classifies what an executor throws,
 * how a lease keeps a duplicate out, and that a done job survives a failed write of its outcome.
 */
class JobQueueWorkerTest {

    static StoreFixture fixture;
    /** The lane's metrics go where the local runtime's functions send theirs. */
    static LocalMetrics agent;
    static Metrics metrics;
    static SqsBatchProcessor batch;
    static JobStore jobs;
    /** Fails the next write of an outcome (an update setting finishedAt) once, before it is sent. */
    static final AtomicInteger failOutcomeWrites = new AtomicInteger();
    static DynamoDbClient flaky;

    @BeforeAll
    static void start() throws Exception {
        agent = LocalMetrics.start();
        metrics = Scraped.metricsOf("ai-worker", agent);
        batch = Scraped.builtFor("ai-worker", agent, SqsBatchProcessor::parallel);
        fixture = new StoreFixture();
        jobs = new JobStore(fixture.dynamoDb, "sluice-jobs");
        flaky = fixture.flakyClient(new ExecutionInterceptor() {
            @Override
            public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                if (context.request() instanceof UpdateItemRequest update && update.updateExpression() != null
                        && update.updateExpression().contains("finishedAt") && failOutcomeWrites.getAndDecrement() > 0) {
                    throw SdkClientException.create("connection reset while recording the outcome");
                }
            }
        });
    }

    @AfterAll
    static void stop() {
        agent.close();
        fixture.close();
    }

    /** Nothing listens here: the announcements and retry delays fail, which the worker tolerates by design. */
    static final URI NOWHERE = URI.create("http://127.0.0.1:9");

    static JobQueueWorker worker(JobExecutor executor, DynamoDbClient dynamoDb) {
        return worker(executor, dynamoDb, metrics);
    }

    static JobQueueWorker worker(JobExecutor executor, DynamoDbClient dynamoDb, Metrics metrics) {
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("AKID", "secret"));
        return new JobQueueWorker(executor, new JobStore(dynamoDb, "sluice-jobs"),
                new JobEvents(EventBridgeClient.builder().endpointOverride(NOWHERE).region(Region.US_EAST_1)
                        .credentialsProvider(credentials).build(), "sluice-jobs"),
                new ClaimChecks(null, "unused"),
                SqsClient.builder().endpointOverride(NOWHERE).region(Region.US_EAST_1).credentialsProvider(credentials)
                        .build(), batch, Definitions.bundledSchemas(),
                new RetrySchedule(1, 1, 3, "ai-requests-dlq"), 3_600_000, Clock.systemUTC(), metrics);
    }

    static Job queued() {
        long now = System.currentTimeMillis();
        Job job = Job.queued(UuidCreator.getTimeOrderedEpoch().toString(), "t-worker", "u", JobType.AI_REQUEST,
                "normal", now, Json.parse("{\"input\":\"hi\"}"), null);
        jobs.create(job, null, null, now, now + 3_600_000);
        return job;
    }

    /** An SQS event of one "Job Submitted" message, as Lambda sends it, received {@code receiveCount} times. */
    static SQSEvent delivery(Job job, int receiveCount) {
        ObjectNode event = (ObjectNode) Json.parse("""
                {"version":"0","id":"e-1","detail-type":"Job Submitted","source":"sluice.jobs",
                 "account":"000000000000","time":"2026-12-01T00:00:00Z","region":"us-east-1","resources":[],
                 "detail":{"userId":"u","type":"ai.request","priority":"normal","submittedAt":1,
                  "payload":{"sessionId":"s","userId":"u","process":"magicSpark","input":"hi","priority":"normal",
                   "timestamp":1}}}""");
        ((ObjectNode) event.get("detail")).put("jobId", job.jobId()).put("tenantId", job.tenantId());
        SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
        message.setMessageId("m-" + job.jobId());
        message.setReceiptHandle("r-" + job.jobId());
        message.setBody(Json.write(event));
        message.setAttributes(Map.of("ApproximateReceiveCount", Integer.toString(receiveCount)));
        message.setEventSourceArn("arn:aws:sqs:us-east-1:000000000000:ai-requests");
        SQSEvent sqs = new SQSEvent();
        sqs.setRecords(List.of(message));
        return sqs;
    }

    static boolean failedItem(SQSBatchResponse response) {
        return !response.getBatchItemFailures().isEmpty();
    }

    @Test
    void aPermanentFailureOfAPortFailsTheJobAtOnceWithItsCode() throws Exception {
        Job job = queued();
        SQSBatchResponse response = worker((j, p, c) -> {
            throw PortFailure.permanent("model_rejected", "the model refuses this request", null);
        }, fixture.dynamoDb).handle(delivery(job, 1), null);

        assertThat(failedItem(response)).isFalse();
        Job failed = jobs.get(job.tenantId(), job.jobId()).orElseThrow();
        assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
        assertThat(failed.error().code()).isEqualTo("model_rejected");
        assertThat(failed.error().retryable()).isFalse();
        // Counted once, by type and reason (no other test of this class fails a job for this reason).
        String series = "sluice_jobs_failed_total{reason=\"model_rejected\",type=\"ai.request\"}";
        Await.until(series, () -> Scraped.scrape(agent.url()).containsKey(series));
        assertThat(Scraped.scrape(agent.url())).containsEntry(series, 1.0);
    }

    @Test
    void aRetryableFailureReleasesTheJobForItsNextDeliveryAndOnTheLastOneFailsItForAReplay() {
        Job job = queued();
        JobExecutor throttled = (j, p, c) -> {
            throw PortFailure.retryable("model_throttled", "slow down", null);
        };

        assertThat(failedItem(worker(throttled, fixture.dynamoDb).handle(delivery(job, 1), null))).isTrue();
        assertThat(jobs.get(job.tenantId(), job.jobId()).orElseThrow().status()).isEqualTo(JobStatus.RUNNING);
        // Released: the second delivery takes the job at once instead of waiting out the first lease.
        assertThat(failedItem(worker(throttled, fixture.dynamoDb).handle(delivery(job, 2), null))).isTrue();
        assertThat(failedItem(worker(throttled, fixture.dynamoDb).handle(delivery(job, 3), null))).isTrue();

        Job failed = jobs.get(job.tenantId(), job.jobId()).orElseThrow();
        assertThat(failed.attempts()).isEqualTo(3);
        assertThat(failed.error().code()).isEqualTo("retries_exhausted");
        assertThat(failed.error().retryable()).isTrue();
        assertThat(failed.error().message()).contains("ai-requests-dlq", "slow down");
    }

    @Test
    void aDuplicateDeliveryDuringAnAttemptIsNeitherRunNorDropped() {
        Job job = queued();
        long now = System.currentTimeMillis();
        jobs.markRunning(job.tenantId(), job.jobId(), now, now + 60_000, now);
        AtomicInteger runs = new AtomicInteger();

        SQSBatchResponse response = worker((j, p, c) -> {
            runs.incrementAndGet();
            return JobOutcome.of(Json.object());
        }, fixture.dynamoDb).handle(delivery(job, 1), null);

        assertThat(runs).hasValue(0);
        assertThat(failedItem(response)).as("kept for after the lease, not deleted").isTrue();
    }

    @Test
    void aJobWhoseOutcomeWriteFailsOnceStillSucceedsWithoutRunningAgain() {
        Job job = queued();
        AtomicInteger runs = new AtomicInteger();
        failOutcomeWrites.set(1);

        SQSBatchResponse response = worker((j, p, c) -> {
            runs.incrementAndGet();
            return JobOutcome.of(Json.parse("{\"sent\":\"once\"}"));
        }, flaky).handle(delivery(job, 1), null);

        assertThat(failedItem(response)).isFalse();
        assertThat(runs).hasValue(1);
        assertThat(failOutcomeWrites.get()).as("the first write did fail").isNegative();
        Job done = jobs.get(job.tenantId(), job.jobId()).orElseThrow();
        assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(done.result().get("sent").asText()).isEqualTo("once");
    }
}
