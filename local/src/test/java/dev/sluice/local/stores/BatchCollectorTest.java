package dev.sluice.local.stores;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.jobs.Job;
import dev.sluice.core.jobs.JobStatus;
import dev.sluice.core.jobs.JobStore;
import dev.sluice.core.jobs.JobType;
import dev.sluice.core.json.Json;
import dev.sluice.core.topology.BucketSpec;
import dev.sluice.core.topology.Definitions;
import dev.sluice.local.AwsIdentity;
import dev.sluice.local.LocalRuntime;
import dev.sluice.local.s3.LocalS3;
import dev.sluice.local.sqs.LocalSqs;
import dev.sluice.workers.ai.batch.BatchCollector;
import dev.sluice.workers.jobevents.JobEvents;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * What the collector leaves when the hand-over to the state machine fails (the Step Functions
 * endpoint does not answer), against DynamoDB Local, ElasticMQ and S3Proxy: every message back in
 * the batch lane and every job free to be taken again, so nothing is lost between two runs; and a
 * message of a job a batch already holds is dropped as a duplicate.
 */
class BatchCollectorTest {

    private static final String BUCKET = "sluice-payloads";

    @TempDir
    static Path dir;
    static StoreFixture fixture;
    static JobStore jobs;
    static LocalSqs sqsServer;
    static SqsClient sqs;
    static LocalS3 s3Server;
    static S3Client s3;
    static SfnClient unreachable;
    static String batchQueue;

    @BeforeAll
    static void start() throws Exception {
        fixture = new StoreFixture();
        jobs = new JobStore(fixture.dynamoDb, "sluice-jobs");
        sqsServer = LocalSqs.start(AwsIdentity.LOCAL, dir.resolve("sqs"), Definitions.bundled().topology());
        sqs = LocalRuntime.client(SqsClient.builder(), sqsServer.endpoint(), "us-east-1");
        LocalSqs.createQueues(sqs, Definitions.bundled().topology(), AwsIdentity.LOCAL);
        batchQueue = sqs.getQueueUrl(b -> b.queueName("ai-requests-batch")).queueUrl();
        s3Server = LocalS3.start(dir.resolve("s3"), List.of(new BucketSpec(BUCKET, false)), "000000000000",
                (bus, source, detailType, detail, resources) -> { }, LocalRuntime.CREDENTIALS);
        s3 = LocalRuntime.client(S3Client.builder().forcePathStyle(true), s3Server.endpoint(), "us-east-1");
        // Nothing listens on port 1: StartExecution fails on the wire.
        unreachable = LocalRuntime.client(SfnClient.builder().overrideConfiguration(o -> o.retryStrategy(
                AwsRetryStrategy.doNotRetry())), URI.create("http://127.0.0.1:1"), "us-east-1");
    }

    @AfterAll
    static void stop() {
        unreachable.close();
        s3.close();
        s3Server.close();
        sqs.close();
        sqsServer.close();
        fixture.close();
    }

    private BatchCollector collector(int minSize) {
        return new BatchCollector(sqs, batchQueue, sqs.getQueueUrl(b -> b.queueName("ai-requests-batch-dlq")).queueUrl(),
                sqs.getQueueUrl(b -> b.queueName("ai-requests")).queueUrl(), jobs, s3, BUCKET, unreachable,
                "arn:aws:states:us-east-1:000000000000:stateMachine:ai-batch",
                new BatchCollector.Window(minSize, 100, Duration.ofMinutes(15), "offline-extractive-1", 1, 24, 3_600_000),
                Clock.systemUTC());
    }

    private static Job submitLow(String input) {
        ObjectNode payload = Json.object().put("sessionId", "s-1").put("userId", "u-1").put("process", "magicSpark")
                .put("input", input).put("priority", "low").put("timestamp", 1795342532990L);
        Job job = Job.queued(UUID.randomUUID().toString(), "acme", "u-1", JobType.AI_REQUEST, "low",
                System.currentTimeMillis(), payload, null);
        long now = System.currentTimeMillis();
        jobs.create(job, null, null, now, now + 3_600_000);
        ObjectNode event = JobEvents.submittedEvent(job);
        sqs.sendMessage(b -> b.queueUrl(batchQueue).messageBody(Json.write(event)));
        return job;
    }

    private static int waiting() {
        return Integer.parseInt(sqs.getQueueAttributes(b -> b.queueUrl(batchQueue).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).attributes()
                .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
    }

    @Test
    void aFailedHandOverLeavesEveryMessageInTheLaneAndEveryJobFreeToBeTakenAgain() {
        List<Job> submitted = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            submitted.add(submitLow("question " + i));
        }

        assertThatThrownBy(() -> collector(3).collect()).isInstanceOf(SdkClientException.class);

        assertThat(waiting()).as("the messages are visible again at once").isEqualTo(3);
        long now = System.currentTimeMillis();
        for (Job job : submitted) {
            JobStore.Claim claim = jobs.markRunning(job.tenantId(), job.jobId(), now, now + 60_000, now + 3_600_000);
            assertThat(claim).as("the batch's lease was released").isInstanceOf(JobStore.Claim.Running.class);
            jobs.releaseLease(job.tenantId(), job.jobId());
        }
        drain();
    }

    @Test
    void aMessageOfAJobABatchAlreadyHoldsIsDroppedAsADuplicate() {
        Job held = submitLow("already in a batch");
        long now = System.currentTimeMillis();
        jobs.markRunning(held.tenantId(), held.jobId(), now, now + 3_600_000, now + 3_600_000);

        BatchCollector.Collection done = collector(1).collect();

        assertThat(done.duplicates()).isEqualTo(1);
        assertThat(done.batched()).isZero();
        assertThat(waiting()).isZero();
        assertThat(jobs.get(held.tenantId(), held.jobId()).orElseThrow().status()).isEqualTo(JobStatus.RUNNING);
    }

    @Test
    void aMessageThatIsNoJobGoesToTheDeadLetterQueueWithWhy() {
        sqs.sendMessage(b -> b.queueUrl(batchQueue).messageBody("{\"detail\":{\"type\":\"email.send\"}}"));

        BatchCollector.Collection done = collector(1).collect();

        assertThat(done.deadLettered()).isEqualTo(1);
        assertThat(waiting()).isZero();
        String dlq = sqs.getQueueUrl(b -> b.queueName("ai-requests-batch-dlq")).queueUrl();
        var moved = sqs.receiveMessage(b -> b.queueUrl(dlq).messageAttributeNames("All")).messages();
        assertThat(moved).hasSize(1);
        assertThat(moved.get(0).messageAttributes().get("SluiceErrorCode").stringValue()).isEqualTo("invalid_event");
    }

    /** Empties the batch lane for the other tests. */
    private static void drain() {
        for (var m : sqs.receiveMessage(b -> b.queueUrl(batchQueue).maxNumberOfMessages(10)).messages()) {
            sqs.deleteMessage(b -> b.queueUrl(batchQueue).receiptHandle(m.receiptHandle()));
        }
    }
}
