package dev.sluice.local.stores;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.f4b6a3.uuid.UuidCreator;
import dev.sluice.core.jobs.Job;
import dev.sluice.core.jobs.JobStatus;
import dev.sluice.core.jobs.JobStore;
import dev.sluice.core.jobs.JobType;
import dev.sluice.core.json.Json;
import dev.sluice.core.topology.Definitions;
import dev.sluice.local.AwsIdentity;
import dev.sluice.local.metrics.LocalMetrics;
import dev.sluice.local.sqs.LocalSqs;
import dev.sluice.local.support.Scraped;
import dev.sluice.workers.ai.budget.BudgetLedger;
import dev.sluice.workers.ai.budget.BudgetLimits;
import dev.sluice.workers.ai.gateway.Budget;
import dev.sluice.workers.batch.SqsBatchProcessor;
import dev.sluice.workers.jobevents.ClaimChecks;
import dev.sluice.workers.jobevents.JobEvents;
import dev.sluice.workers.jobs.JobExecutor;
import dev.sluice.workers.jobs.JobOutcome;
import dev.sluice.workers.jobs.JobQueueWorker;
import dev.sluice.workers.jobs.RetrySchedule;
import dev.sluice.workers.metrics.Metrics;
import dev.sluice.workers.tenants.TenantSettings;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * A queued AI job that meets its tenant's exhausted budget waits for the next window instead of failing:
 * the worker on ElasticMQ (the lane's queue with its redrive policy) and DynamoDB Local, the budget a real
 * {@link BudgetLedger}. Clocks run at the real rate from a chosen instant, so a window opens within seconds.
 */
class BudgetWaitTest {

    static final AwsIdentity ID = AwsIdentity.LOCAL;
    static final StaticCredentialsProvider CREDENTIALS = StaticCredentialsProvider.create(
            AwsBasicCredentials.create("AKID", "secret"));
    /** Nothing listens here: the announcements fail, which the worker tolerates by design. */
    static final URI NOWHERE = URI.create("http://127.0.0.1:9");

    static StoreFixture fixture;
    static LocalSqs sqsServer;
    static SqsClient sqs;
    static LocalMetrics agent;
    static Metrics metrics;
    static SqsBatchProcessor batch;
    static JobStore jobs;
    static TenantSettings tenants;

    @BeforeAll
    static void start() throws Exception {
        agent = LocalMetrics.start();
        metrics = Scraped.metricsOf("ai-worker", agent);
        batch = Scraped.builtFor("ai-worker", agent, SqsBatchProcessor::parallel);
        fixture = new StoreFixture();
        jobs = new JobStore(fixture.dynamoDb, "sluice-jobs");
        tenants = new TenantSettings(fixture.dynamoDb, "sluice-tenant-settings");
        sqsServer = LocalSqs.start(ID);
        sqs = SqsClient.builder().endpointOverride(sqsServer.endpoint()).region(Region.of(ID.region()))
                .credentialsProvider(CREDENTIALS).build();
        LocalSqs.createQueues(sqs, Definitions.bundled().topology(), ID);
    }

    @AfterAll
    static void stop() {
        sqs.close();
        sqsServer.close();
        agent.close();
        fixture.close();
    }

    /** The real time, moved so that it reads {@code at} now. */
    static Clock clockAt(String at) {
        return Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), Instant.parse(at)));
    }

    /** A budget of 1 USD a day, already spent for the day the clock is in. */
    static BudgetLedger spentLedger(String tenantId, Clock clock) {
        tenants.setAiBudget(tenantId, new TenantSettings.AiBudget(new BigDecimal("1"), 100_000L));
        BudgetLedger ledger = new BudgetLedger(fixture.dynamoDb, "sluice-ai-budgets", tenants,
                new BudgetLimits(BigDecimal.TEN, 1_000_000), clock);
        ledger.settle(ledger.reserve(tenantId, "earlier-job", BigDecimal.ONE, 10), BigDecimal.ONE, 10);
        return ledger;
    }

    /** What the AI worker's gateway does around its model call: reserve, call (counted), settle. */
    static JobExecutor spending(Budget budget, AtomicInteger calls) {
        return (job, payload, context) -> {
            Budget.Reservation reservation = budget.reserve(job.tenantId(), job.jobId(), new BigDecimal("0.02"), 100);
            calls.incrementAndGet();
            budget.settle(reservation, new BigDecimal("0.01"), 50);
            return JobOutcome.of(Json.parse("{\"text\":\"answered\"}"));
        };
    }

    static JobQueueWorker worker(JobExecutor executor, Clock clock, Duration waitLimit) {
        return new JobQueueWorker(executor, jobs,
                new JobEvents(EventBridgeClient.builder().endpointOverride(NOWHERE).region(Region.US_EAST_1)
                        .credentialsProvider(CREDENTIALS).build(), "sluice-jobs"),
                new ClaimChecks(null, "unused"), sqs, batch, Definitions.bundledSchemas(),
                new RetrySchedule(1, 1, 3, "ai-requests-dlq"), 3_600_000, clock, metrics, waitLimit);
    }

    static Job queued(String tenantId, Clock clock) {
        long now = clock.millis();
        Job job = Job.queued(UuidCreator.getTimeOrderedEpoch().toString(), tenantId, "u", JobType.AI_REQUEST,
                "normal", now, Json.parse("{\"input\":\"hi\"}"), null);
        jobs.create(job, null, null, now, now + 3_600_000);
        return job;
    }

    /** The job's "Job Submitted" message as the lane's queue first delivers it. */
    static SQSEvent firstDelivery(Job job, Lane lane) {
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
        message.setAttributes(Map.of("ApproximateReceiveCount", "1"));
        message.setEventSourceArn(ID.sqsArn(lane.name()));
        return event(message);
    }

    /** A queue of the test's own, set up as the lane's (its DLQ after 3 receives). */
    record Lane(String name, String url) {

        static Lane create(String name) {
            String url = sqs.createQueue(b -> b.queueName(name).attributes(Map.of(
                    QueueAttributeName.VISIBILITY_TIMEOUT, "60",
                    QueueAttributeName.REDRIVE_POLICY, "{\"deadLetterTargetArn\":\"" + ID.sqsArn("ai-requests-dlq")
                            + "\",\"maxReceiveCount\":\"3\"}"))).queueUrl();
            return new Lane(name, url);
        }

        /** The next message, waiting up to {@code seconds} for it. */
        List<Message> receive(int seconds) {
            return sqs.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(seconds)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL).messageAttributeNames("All"))
                    .messages();
        }

        Map<QueueAttributeName, String> depth() {
            return sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(
                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
        }
    }

    /** A message received from the queue, as Lambda's event source mapping hands it to the function. */
    static SQSEvent delivered(Message m, Lane lane) {
        SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
        message.setMessageId(m.messageId());
        message.setReceiptHandle(m.receiptHandle());
        message.setBody(m.body());
        Map<String, String> attributes = new HashMap<>();
        m.attributes().forEach((name, value) -> attributes.put(name.toString(), value));
        message.setAttributes(attributes);
        Map<String, SQSEvent.MessageAttribute> messageAttributes = new HashMap<>();
        m.messageAttributes().forEach((name, value) -> {
            SQSEvent.MessageAttribute attribute = new SQSEvent.MessageAttribute();
            attribute.setDataType(value.dataType());
            attribute.setStringValue(value.stringValue());
            messageAttributes.put(name, attribute);
        });
        message.setMessageAttributes(messageAttributes);
        message.setEventSourceArn(ID.sqsArn(lane.name()));
        return event(message);
    }

    static SQSEvent event(SQSEvent.SQSMessage message) {
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(message));
        return event;
    }

    @Test
    void aJobThatMeetsASpentDayWaitsQueuedForTheNextDayAndThenRunsWithoutUsingAnAttempt() {
        Lane lane = Lane.create("budget-wait-next-day");
        Clock clock = clockAt("2026-12-02T23:59:56Z");
        BudgetLedger ledger = spentLedger("t-wait", clock);
        AtomicInteger calls = new AtomicInteger();
        JobQueueWorker worker = worker(spending(ledger, calls), clock, Duration.ofHours(24));
        Job job = queued("t-wait", clock);

        SQSBatchResponse first = worker.handle(firstDelivery(job, lane), null);

        assertThat(first.getBatchItemFailures()).as("not a failure: the original is deleted").isEmpty();
        Job waiting = jobs.get(job.tenantId(), job.jobId()).orElseThrow();
        assertThat(waiting.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(waiting.attempts()).isZero();
        assertThat(calls).hasValue(0);

        // The copy comes back when the day turns (in about 4 s), received for the first time.
        List<Message> copies = lane.receive(15);
        assertThat(copies).hasSize(1);
        Message copy = copies.get(0);
        assertThat(copy.attributes()).containsEntry(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "1");
        // due when the day turns (or a second from the wait, if this machine took that long to get here)
        assertThat(Instant.ofEpochMilli(Long.parseLong(copy.messageAttributes().get(JobQueueWorker.BUDGET_RETRY_AT)
                .stringValue()))).isBetween(Instant.parse("2026-12-03T00:00:00Z"), Instant.parse("2026-12-03T00:00:05Z"));
        assertThat(Instant.ofEpochMilli(Long.parseLong(copy.messageAttributes().get(JobQueueWorker.BUDGET_WAIT_SINCE)
                .stringValue()))).isBetween(Instant.parse("2026-12-02T23:59:56Z"), Instant.parse("2026-12-03T00:00:00Z"));
        assertThat(clock.instant()).isAfterOrEqualTo(Instant.parse("2026-12-03T00:00:00Z"));

        SQSBatchResponse second = worker.handle(delivered(copy, lane), null);
        sqs.deleteMessage(b -> b.queueUrl(lane.url()).receiptHandle(copy.receiptHandle()));

        assertThat(second.getBatchItemFailures()).isEmpty();
        Job done = jobs.get(job.tenantId(), job.jobId()).orElseThrow();
        assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(done.attempts()).isEqualTo(1);
        assertThat(calls).hasValue(1);
        assertThat(lane.receive(0)).isEmpty();
    }

    @Test
    void aLongWaitGoesInHopsOfFifteenMinutesThatNeitherRunTheJobNorCountAReceive() {
        Lane lane = Lane.create("budget-wait-hops");
        Clock clock = clockAt("2026-12-02T10:00:00Z");
        BudgetLedger ledger = spentLedger("t-hop", clock);
        AtomicInteger calls = new AtomicInteger();
        JobQueueWorker worker = worker(spending(ledger, calls), clock, Duration.ofHours(24));
        Job job = queued("t-hop", clock);

        assertThat(worker.handle(firstDelivery(job, lane), null).getBatchItemFailures()).isEmpty();

        // Due at midnight, 14 hours away: delayed the most SQS allows, not visible now.
        assertThat(lane.depth()).containsEntry(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED, "1")
                .containsEntry(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0");
        assertThat(jobs.get(job.tenantId(), job.jobId()).orElseThrow().status()).isEqualTo(JobStatus.QUEUED);

        // A copy that arrives before its window (as the delayed one will, after 15 minutes) only hops on.
        SQSEvent early = firstDelivery(job, lane);
        SQSEvent.MessageAttribute retryAt = new SQSEvent.MessageAttribute();
        retryAt.setDataType("Number");
        retryAt.setStringValue(Long.toString(Instant.parse("2026-12-03T00:00:00Z").toEpochMilli()));
        early.getRecords().get(0).setMessageAttributes(Map.of(JobQueueWorker.BUDGET_RETRY_AT, retryAt));

        assertThat(worker.handle(early, null).getBatchItemFailures()).isEmpty();

        assertThat(calls).hasValue(0);
        assertThat(lane.depth()).containsEntry(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED, "2");
        Job untouched = jobs.get(job.tenantId(), job.jobId()).orElseThrow();
        assertThat(untouched.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(untouched.attempts()).isZero();
    }

    @Test
    void aWindowPastTheWaitLimitFailsTheJobBudgetExceededNamingTheLimit() {
        Lane lane = Lane.create("budget-wait-limit");
        Clock clock = clockAt("2026-12-02T10:00:00Z");
        BudgetLedger ledger = spentLedger("t-limit", clock);
        AtomicInteger calls = new AtomicInteger();
        JobQueueWorker worker = worker(spending(ledger, calls), clock, Duration.ofHours(6));
        Job job = queued("t-limit", clock);

        assertThat(worker.handle(firstDelivery(job, lane), null).getBatchItemFailures()).isEmpty();

        Job failed = jobs.get(job.tenantId(), job.jobId()).orElseThrow();
        assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
        assertThat(failed.error().code()).isEqualTo("budget_exceeded");
        assertThat(failed.error().retryable()).isFalse();
        assertThat(failed.error().message()).contains("daily_usd", "21600 s", "2026-12-03T00:00:00Z");
        assertThat(lane.depth()).containsEntry(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED, "0")
                .containsEntry(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0");
        assertThat(calls).hasValue(0);
    }

    @Test
    void theWaitLimitCountsFromTheFirstWaitNotFromTheLatestHop() {
        Lane lane = Lane.create("budget-wait-since");
        Clock clock = clockAt("2026-12-02T10:00:00Z");
        BudgetLedger ledger = spentLedger("t-since", clock);
        AtomicInteger calls = new AtomicInteger();
        JobQueueWorker worker = worker(spending(ledger, calls), clock, Duration.ofHours(24));
        Job job = queued("t-since", clock);
        // It has waited since yesterday 11:00 already; the day's budget comes back at midnight, 37 h after that.
        SQSEvent again = firstDelivery(job, lane);
        SQSEvent.MessageAttribute since = new SQSEvent.MessageAttribute();
        since.setDataType("Number");
        since.setStringValue(Long.toString(Instant.parse("2026-12-01T11:00:00Z").toEpochMilli()));
        again.getRecords().get(0).setMessageAttributes(Map.of(JobQueueWorker.BUDGET_WAIT_SINCE, since));

        assertThat(worker.handle(again, null).getBatchItemFailures()).isEmpty();

        Job failed = jobs.get(job.tenantId(), job.jobId()).orElseThrow();
        assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
        assertThat(failed.error().code()).isEqualTo("budget_exceeded");
        assertThat(failed.error().message()).contains("86400 s", "first wait at 2026-12-01T11:00:00Z");
        assertThat(lane.depth()).containsEntry(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED, "0");
    }
}
