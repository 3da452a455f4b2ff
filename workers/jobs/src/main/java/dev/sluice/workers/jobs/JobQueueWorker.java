package dev.sluice.workers.jobs;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.failure.PortFailure;
import dev.sluice.core.jobs.Job;
import dev.sluice.core.jobs.JobError;
import dev.sluice.core.jobs.JobStore;
import dev.sluice.core.jobs.S3Ref;
import dev.sluice.core.json.Json;
import dev.sluice.core.schema.Schemas;
import dev.sluice.core.schema.Violation;
import dev.sluice.workers.ai.gateway.BudgetExhaustedException;
import dev.sluice.workers.batch.QueueMessages;
import dev.sluice.workers.batch.SqsBatchProcessor;
import dev.sluice.workers.config.S3Access;
import dev.sluice.workers.config.Setting;
import dev.sluice.workers.jobevents.ClaimChecks;
import dev.sluice.workers.jobevents.JobEvents;
import dev.sluice.workers.logging.LogContext;
import dev.sluice.workers.metrics.Metrics;
import dev.sluice.workers.metrics.MetricsScope;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Runs the "Job Submitted" messages of one queue through a job type's {@link JobExecutor}, with the
 * guarantees every lane shares:
 * <ul>
 * <li>partial batch failures: only the messages that failed come back;</li>
 * <li>idempotent: a message delivered twice runs its job once. The job row's own conditional
 * transitions are the record: an attempt takes the job with a lease ({@link JobStore#markRunning}),
 * so a duplicate finds it leased or finished and is dropped;</li>
 * <li>classified: a permanent failure FAILS the job at once and the message is deleted; a transient
 * one releases the lease and is retried after a growing visibility timeout, and on the last receive
 * the job is FAILED (retryable) naming the DLQ the message goes to; a message that is not a job at
 * all is moved to the DLQ straight away, never looped;</li>
 * <li>replayable: a FAILED job whose error is retryable runs again when its message comes back from
 * the DLQ, its attempts continuing and the replay counted on the job;</li>
 * <li>patient with budgets: a job whose tenant's AI budget is exhausted ({@link BudgetExhaustedException})
 * goes back to QUEUED, its attempt not counted, and waits for the budget's next window: its message is
 * sent again with a delay (SQS's longest, 15 minutes, a hop, as often as the wait needs) and the original
 * deleted, so the receive count never grows towards the DLQ while it waits. The copies carry when the
 * wait began and when the window opens; when that is past the wait limit, the job FAILS
 * {@code budget_exceeded} at once rather than wait for nothing;</li>
 * <li>announced: every finished job puts "Job Completed" or "Job Failed"; the notifier's
 * acknowledgement clears the duty, and the sweeper puts it again if none comes.</li>
 * </ul>
 */
public final class JobQueueWorker {

    /** The schema every message of a lane is checked against; priming validates the handler's fixture with it. */
    public static final String EVENT_SCHEMA = "events/job-submitted";
    /** Results above this size are stored in S3 and pushed by reference (a push frame must stay small). */
    public static final int INLINE_RESULT_BYTES = 32 * 1024;
    /** How long an attempt holds its job when no Lambda context says how much time it has (tests). */
    private static final long DEFAULT_LEASE_MILLIS = 15 * 60_000L;
    /** Tries of the completion write: the work is done, and redoing it on a redelivery costs more. */
    private static final int COMPLETION_ATTEMPTS = 4;
    /** SQS's longest visibility timeout. */
    private static final int MAX_VISIBILITY_SECONDS = 12 * 3600;
    /** SQS's longest delivery delay: a wait for a budget goes in hops of at most this. */
    static final int MAX_DELAY_SECONDS = 900;
    /** Message attribute: when (epoch ms) the job first met its exhausted budget. */
    public static final String BUDGET_WAIT_SINCE = "SluiceBudgetWaitSince";
    /** Message attribute: when (epoch ms) the budget's next window opens; until then the message only hops. */
    public static final String BUDGET_RETRY_AT = "SluiceBudgetRetryAt";
    /** How long a job waits for its budget when the lane names no limit: one whole day rolls over within it. */
    public static final Duration DEFAULT_BUDGET_WAIT_LIMIT = Duration.ofHours(24);
    private static final Logger LOG = LoggerFactory.getLogger(JobQueueWorker.class);

    private final JobExecutor executor;
    private final JobStore jobs;
    private final JobEvents events;
    private final ClaimChecks claimChecks;
    private final QueueMessages queueMessages;
    private final SqsBatchProcessor batch;
    private final Schemas schemas;
    private final RetrySchedule retries;
    private final long deadlineMillis;
    private final Clock clock;
    private final Metrics metrics;
    private final Duration budgetWaitLimit;

    public JobQueueWorker(JobExecutor executor, JobStore jobs, JobEvents events, ClaimChecks claimChecks,
            SqsClient sqs, SqsBatchProcessor batch, Schemas schemas, RetrySchedule retries, long deadlineMillis,
            Clock clock, Metrics metrics) {
        this(executor, jobs, events, claimChecks, sqs, batch, schemas, retries, deadlineMillis, clock, metrics,
                DEFAULT_BUDGET_WAIT_LIMIT);
    }

    /** @param budgetWaitLimit how long a job may wait for its tenant's exhausted budget before it FAILS */
    public JobQueueWorker(JobExecutor executor, JobStore jobs, JobEvents events, ClaimChecks claimChecks,
            SqsClient sqs, SqsBatchProcessor batch, Schemas schemas, RetrySchedule retries, long deadlineMillis,
            Clock clock, Metrics metrics, Duration budgetWaitLimit) {
        this.executor = executor;
        this.jobs = jobs;
        this.events = events;
        this.claimChecks = claimChecks;
        this.queueMessages = new QueueMessages(sqs);
        this.batch = batch;
        this.schemas = schemas;
        this.retries = retries;
        this.deadlineMillis = deadlineMillis;
        this.clock = clock;
        this.metrics = metrics;
        this.budgetWaitLimit = budgetWaitLimit;
    }

    /** The worker a handler's no-argument constructor builds: real clients, settings from the environment. */
    public static JobQueueWorker fromEnvironment(JobExecutor executor, AwsClients aws, Schemas schemas) {
        return fromEnvironment(executor, aws, schemas, DEFAULT_BUDGET_WAIT_LIMIT);
    }

    /** For a lane whose jobs spend an AI budget and may wait for it ({@code BUDGET_WAIT_LIMIT_SECONDS}). */
    public static JobQueueWorker fromEnvironment(JobExecutor executor, AwsClients aws, Schemas schemas,
            Duration budgetWaitLimit) {
        DynamoDbClient dynamoDb = aws.build(DynamoDbClient.builder(), "DYNAMODB");
        return new JobQueueWorker(executor, new JobStore(dynamoDb, Setting.JOBS_TABLE.from(aws)),
                new JobEvents(aws.build(EventBridgeClient.builder(), "EVENTBRIDGE"), Setting.EVENT_BUS.from(aws)),
                new ClaimChecks(S3Access.client(aws), Setting.PAYLOAD_BUCKET.from(aws)),
                aws.build(SqsClient.builder(), "SQS"), SqsBatchProcessor.parallel(), schemas,
                new RetrySchedule(Setting.RETRY_BASE_SECONDS.intFrom(aws), Setting.RETRY_MAX_SECONDS.intFrom(aws),
                        Setting.MAX_RECEIVE_COUNT.intFrom(aws), Setting.DEAD_LETTER_QUEUE.from(aws)),
                Setting.JOB_DEADLINE_SECONDS.intFrom(aws) * 1000L, Clock.systemUTC(), Metrics.fromEnvironment(),
                budgetWaitLimit);
    }

    public SQSBatchResponse handle(SQSEvent event, Context context) {
        return batch.process(event, context, this::handleMessage);
    }

    private void handleMessage(SQSMessage message, Context context) throws Exception {
        JsonNode event;
        try {
            event = Json.parse(message.getBody());
        } catch (RuntimeException e) {
            toDeadLetterQueue(message, "malformed_message", "the message body is not JSON", context);
            return;
        }
        JsonNode detail = event.path("detail");
        String tenantId = detail.path("tenantId").asText(null);
        String jobId = detail.path("jobId").asText(null);
        try (LogContext job = LogContext.job(tenantId, jobId, detail.path("correlationId").asText(null))) {
            handleJob(message, event, detail, tenantId, jobId, context);
        }
    }

    private void handleJob(SQSMessage message, JsonNode event, JsonNode detail, String tenantId, String jobId,
            Context context) throws Exception {
        List<Violation> violations = schemas.validate(EVENT_SCHEMA, event);
        if (!violations.isEmpty()) {
            Violation first = violations.get(0);
            String reason = "invalid Job Submitted event: " + (first.field().isEmpty() ? "" : first.field() + ": ")
                    + first.message();
            Optional<Job> failed = tenantId == null || jobId == null ? Optional.empty()
                    : jobs.fail(tenantId, jobId, new JobError("invalid_event", reason, false), clock.millis());
            if (failed.isPresent()) {
                announce(failed.get(), context);
            } else {
                toDeadLetterQueue(message, "invalid_event", reason, context);
            }
            return;
        }
        int receiveCount = Integer.parseInt(message.getAttributes().getOrDefault("ApproximateReceiveCount", "1"));
        long now = clock.millis();
        Long budgetBackAt = numberAttribute(message, BUDGET_RETRY_AT);
        if (budgetBackAt != null && budgetBackAt > now) {
            // Still waiting for the budget's window: on to the next hop, the job left untouched.
            hop(message, numberAttribute(message, BUDGET_WAIT_SINCE), budgetBackAt, now);
            return;
        }
        long lease = now + (context == null ? DEFAULT_LEASE_MILLIS : context.getRemainingTimeInMillis());
        JobStore.Claim claim = jobs.markRunning(tenantId, jobId, now, lease, now + deadlineMillis);
        if (claim instanceof JobStore.Claim.Skipped skipped) {
            if (skipped.leaseUntil() > now) {
                // Running under another delivery's lease: a duplicate, or this message's own earlier attempt
                // whose lease could not be released. Come back when the lease ends rather than drop it.
                retryAfter(message, (int) Math.min(MAX_VISIBILITY_SECONDS, (skipped.leaseUntil() - now) / 1000 + 1),
                        context);
                throw new IllegalStateException("job " + jobId + " is running under another delivery's lease");
            }
            LOG.atInfo().setMessage("nothing to run: duplicate delivery skipped").addKeyValue("status",
                    skipped.current() == null ? "unknown" : skipped.current().status().name()).log();
            return;
        }
        JobStore.Claim.Running running = (JobStore.Claim.Running) claim;
        try {
            run(running.job(), message, detail, receiveCount, context);
        } catch (Exception e) {
            // The last failure goes to the DLQ at once instead of after a whole visibility timeout.
            retryAfter(message, retries.lastAttempt(receiveCount) ? 0 : retries.delaySeconds(receiveCount), context);
            LOG.atError().setMessage("job attempt failed: " + e)
                    .addKeyValue("receiveCount", Integer.toString(receiveCount)).log();
            throw e;
        }
    }

    private void run(Job job, SQSMessage message, JsonNode detail, int receiveCount, Context context)
            throws Exception {
        JobOutcome outcome;
        try {
            JsonNode payload = detail.has("payloadRef")
                    ? claimChecks.get(Json.MAPPER.treeToValue(detail.get("payloadRef"), S3Ref.class))
                    : detail.get("payload");
            outcome = executor.execute(job, payload, context);
        } catch (BudgetExhaustedException e) {
            awaitBudget(job, message, e, context);
            return;
        } catch (PortFailure e) {
            if (!e.retryable()) {
                failForGood(job, e.code(), e.getMessage(), context);
                return;
            }
            retryOrGiveUp(job, receiveCount, e, context);
            throw e;
        } catch (Exception e) {
            retryOrGiveUp(job, receiveCount, e, context);
            throw e;
        }
        byte[] resultJson = Json.write(outcome.result()).getBytes(StandardCharsets.UTF_8);
        S3Ref resultRef = resultJson.length > INLINE_RESULT_BYTES
                ? claimChecks.put("results/" + job.tenantId() + "/" + job.jobId() + ".json", resultJson) : null;
        complete(job, outcome, resultRef, context).ifPresent(done -> announce(done, context));
    }

    /**
     * The tenant's budget is exhausted until {@code e.retryAt()}: the job waits for it, queued, unless
     * that is past the wait limit counted from its first wait.
     */
    private void awaitBudget(Job job, SQSMessage message, BudgetExhaustedException e, Context context) {
        long now = clock.millis();
        Long waitingSince = numberAttribute(message, BUDGET_WAIT_SINCE);
        long since = waitingSince == null ? now : waitingSince;
        long backAt = Math.max(e.retryAt().toEpochMilli(), now + 1000);
        if (backAt - since > budgetWaitLimit.toMillis()) {
            failForGood(job, "budget_exceeded", "the tenant's " + e.limit() + " budget is exhausted until "
                    + Instant.ofEpochMilli(backAt) + ", past the wait limit of " + budgetWaitLimit.toSeconds()
                    + " s from " + (waitingSince == null ? "now" : "its first wait at " + Instant.ofEpochMilli(since))
                    + ": " + e.getMessage(), context);
            return;
        }
        jobs.requeue(job.tenantId(), job.jobId());
        hop(message, since, backAt, now);
        LOG.atInfo().setMessage("waiting for the budget's next window").addKeyValue("limit", e.limit())
                .addKeyValue("retryAt", Instant.ofEpochMilli(backAt).toString()).log();
    }

    /** Sends the message again, due at {@code backAt} or in SQS's longest delay; the original is then deleted. */
    private void hop(SQSMessage message, Long since, long backAt, long now) {
        int delay = (int) Math.min(MAX_DELAY_SECONDS, Math.max(0, (backAt - now + 999) / 1000));
        Map<String, String> wait = since == null ? Map.of(BUDGET_RETRY_AT, Long.toString(backAt))
                : Map.of(BUDGET_WAIT_SINCE, Long.toString(since), BUDGET_RETRY_AT, Long.toString(backAt));
        try {
            queueMessages.resend(message, delay, wait);
        } catch (RuntimeException e) {
            // Not sent: this delivery fails, so the original comes back and the wait goes on from there.
            retryAfter(message, Math.max(delay, 1), null);
            throw e;
        }
    }

    private static Long numberAttribute(SQSMessage message, String name) {
        SQSEvent.MessageAttribute value = message.getMessageAttributes() == null ? null
                : message.getMessageAttributes().get(name);
        if (value == null || value.getStringValue() == null) {
            return null;
        }
        try {
            return Long.valueOf(value.getStringValue().trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private void failForGood(Job job, String code, String message, Context context) {
        jobs.fail(job.tenantId(), job.jobId(), new JobError(code, message, false), clock.millis())
                .ifPresent(failed -> announce(failed, context));
    }

    /** A transient failure: retried by the message's next receive, or on the last one FAILED for a replay. */
    private void retryOrGiveUp(Job job, int receiveCount, Exception e, Context context) {
        if (retries.lastAttempt(receiveCount)) {
            String where = retries.deadLetterQueue().isEmpty() ? "its dead-letter queue"
                    : "dead-letter queue " + retries.deadLetterQueue();
            jobs.fail(job.tenantId(), job.jobId(), new JobError("retries_exhausted", "failed on all " + receiveCount
                    + " attempts; the message is in " + where + " for replay. Last error: " + e, true),
                    clock.millis()).ifPresent(failed -> announce(failed, context));
        } else {
            jobs.releaseLease(job.tenantId(), job.jobId());
        }
    }

    private Optional<Job> complete(Job job, JobOutcome outcome, S3Ref resultRef, Context context) {
        for (int attempt = 1; ; attempt++) {
            try {
                return jobs.complete(job, outcome.result(), resultRef, clock.millis(), outcome.writes());
            } catch (SdkException e) {
                boolean timeLeft = context == null || context.getRemainingTimeInMillis() > 1000;
                if (attempt == COMPLETION_ATTEMPTS || !timeLeft) {
                    throw e;
                }
                LOG.atError().setMessage("recording the outcome failed, trying again: " + e)
                        .addKeyValue("attempt", Integer.toString(attempt)).log();
                pause(attempt);
            }
        }
    }

    /** A failed put is left to the sweeper: the job row says the announcement is owed until the notifier has it. */
    private void announce(Job job, Context context) {
        measure(job);
        try {
            events.finished(job);
        } catch (RuntimeException e) {
            LOG.error("announcing the finished job failed; the sweeper will repeat it: " + e);
        }
        LOG.atInfo().setMessage("job " + job.status()).addKeyValue("type", job.type().wire())
                .addKeyValue("attempts", Integer.toString(job.attempts())).log();
    }

    /** One EMF document per outcome: it is counted by type (and reason), its latency measured from submission. */
    private void measure(Job job) {
        try (MetricsScope scope = metrics.scope()) {
            JobMetrics.finished(scope, job);
        }
    }

    private void retryAfter(SQSMessage message, int seconds, Context context) {
        try {
            queueMessages.delay(message, seconds);
        } catch (RuntimeException e) {
            // The message still comes back, after the queue's own visibility timeout.
            LOG.error("could not delay the retry: " + e);
        }
    }

    /** A message that is no job cannot be failed or retried into health: straight to the DLQ with why. */
    private void toDeadLetterQueue(SQSMessage message, String code, String reason, Context context) {
        queueMessages.toDeadLetterQueue(message, retries.deadLetterQueue(), code, reason);
        LOG.atError().setMessage("message moved to the DLQ: " + reason)
                .addKeyValue("deadLetterQueue", retries.deadLetterQueue()).log();
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(50L << attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while retrying the completion", e);
        }
    }
}
