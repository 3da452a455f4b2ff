package dev.sluice.workers.jobs;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.failure.PortFailure;
import dev.sluice.core.jobs.Job;
import dev.sluice.core.jobs.JobError;
import dev.sluice.core.jobs.JobStatus;
import dev.sluice.core.jobs.JobStore;
import dev.sluice.core.jobs.Pending;
import dev.sluice.core.json.Json;
import dev.sluice.core.topology.Definitions;
import dev.sluice.workers.config.Lazy;
import dev.sluice.workers.config.Setting;
import dev.sluice.workers.jobevents.JobEvents;
import dev.sluice.workers.logging.LogContext;
import dev.sluice.workers.priming.Priming;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Runs on a schedule and does what the job flow still owes (the {@link Pending} duties):
 * <ul>
 * <li>PUBLISH: puts "Job Submitted" whose put failed, backing off; a put the bus refuses for the
 * entry itself, or one that keeps failing, FAILS the job with the reason instead of trying for ever;</li>
 * <li>DEADLINE: a job with no outcome by its deadline gets more time while its lane's queue may
 * still hold its message (a backlog is slow, not lost); a job never picked up is put once more;
 * otherwise it is FAILED {@code deadline_exceeded}, retryable (its message is in a DLQ or was lost);</li>
 * <li>ANNOUNCE: puts "Job Completed"/"Job Failed" again while the notifier has not confirmed it,
 * a few times with backoff.</li>
 * </ul>
 * One row's trouble never stops the others: a row that fails is moved later in the index, and a row
 * that does not even read as a job is set aside for an hour and logged.
 */
public final class JobSweeper implements RequestStreamHandler {

    private static final int BATCH_PER_SHARD = 100;
    /** Rounds of one sweep: rows it moved out of the way let the next round reach the rows behind them. */
    private static final int ROUNDS = 5;
    static final int MAX_PUBLISH_SWEEPS = 8;
    static final int MAX_ANNOUNCE_SWEEPS = 5;
    static final Duration UNREADABLE_DEFERRAL = Duration.ofHours(1);
    private static final Logger LOG = LoggerFactory.getLogger(JobSweeper.class);

    private final JobStore jobs;
    private final JobEvents events;
    private final Supplier<JobLanes> lanes;
    private final long deadlineMillis;
    private final Clock clock;

    public JobSweeper() {
        this(AwsClients.fromEnvironment());
    }

    private JobSweeper(AwsClients aws) {
        this(new JobStore(aws.build(DynamoDbClient.builder(), "DYNAMODB"), Setting.JOBS_TABLE.from(aws)),
                new JobEvents(aws.build(EventBridgeClient.builder(), "EVENTBRIDGE"), Setting.EVENT_BUS.from(aws)),
                lanes(Setting.LANE_QUEUE_URLS.mapFrom(aws), aws.build(SqsClient.builder(), "SQS")),
                Setting.JOB_DEADLINE_SECONDS.intFrom(aws) * 1000L, Clock.systemUTC());
        Priming.of(JobSweeper.class, aws).register(this);
    }

    /** The lanes are read from the bundled rules the first time a deadline falls due, not at every cold start. */
    private static Supplier<JobLanes> lanes(Map<String, String> queueUrls, SqsClient sqs) {
        return Lazy.of(() -> new JobLanes(Definitions.bundled().topology(), queueUrls, sqs));
    }

    public JobSweeper(JobStore jobs, JobEvents events, Supplier<JobLanes> lanes, long deadlineMillis, Clock clock) {
        this.jobs = jobs;
        this.events = events;
        this.lanes = lanes;
        this.deadlineMillis = deadlineMillis;
        this.clock = clock;
    }

    /** What one sweep did. */
    public record Sweep(int republished, int expired, int extended, int announced, int failed, int setAside,
            int errors) {
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        try (LogContext invocation = LogContext.invocation(context)) {
            Sweep sweep = sweep();
            LOG.atInfo().setMessage("sweep done").addKeyValue("republished", sweep.republished())
                    .addKeyValue("expired", sweep.expired()).addKeyValue("extended", sweep.extended())
                    .addKeyValue("announced", sweep.announced()).addKeyValue("failed", sweep.failed())
                    .addKeyValue("setAside", sweep.setAside()).addKeyValue("errors", sweep.errors()).log();
            output.write(Json.write(sweep).getBytes(StandardCharsets.UTF_8));
        }
    }

    public Sweep sweep() {
        Tally tally = new Tally();
        // Asked only if a deadline falls due: most sweeps owe none.
        Lazy<JobLanes.Depths> depths = Lazy.of(() -> lanes.get().depths());
        for (int round = 0; round < ROUNDS; round++) {
            long now = clock.millis();
            List<JobStore.Due> due = jobs.due(now, BATCH_PER_SHARD);
            for (JobStore.Due row : due) {
                switch (row) {
                    case JobStore.Due.Owed owed -> sweepOne(owed, depths, now, tally);
                    case JobStore.Due.Unreadable bad -> setAside(bad, now, tally);
                }
            }
            if (due.size() < BATCH_PER_SHARD) {
                break; // every shard was read to its end
            }
        }
        return new Sweep(tally.republished, tally.expired, tally.extended, tally.announced, tally.failed,
                tally.setAside, tally.errors);
    }

    private void sweepOne(JobStore.Due.Owed owed, Supplier<JobLanes.Depths> depths, long now, Tally tally) {
        Job job = owed.job();
        try (LogContext scope = LogContext.job(job.tenantId(), job.jobId(), job.correlationId())) {
            switch (owed.duty()) {
                case PUBLISH -> publish(job, owed.sweeps(), now, tally);
                case DEADLINE -> deadline(job, owed.sweeps(), depths, now, tally);
                case ANNOUNCE -> announce(job, owed.sweeps(), now, tally);
            }
        } catch (RuntimeException e) {
            tally.errors++;
            try (LogContext scope = LogContext.job(job.tenantId(), job.jobId(), job.correlationId())) {
                LOG.atError().setMessage("sweeping a job failed: " + e).addKeyValue("duty", owed.duty().name()).log();
            }
            try {
                jobs.retryLater(job.tenantId(), job.jobId(), owed.duty(), now + backoff(owed.sweeps()));
            } catch (RuntimeException storeDown) {
                // It stays due; the next sweep tries again.
            }
        }
    }

    private void publish(Job job, int sweeps, long now, Tally tally) {
        if (job.status() != JobStatus.QUEUED) {
            jobs.published(job.tenantId(), job.jobId(), job.submittedAt() + deadlineMillis);
            return;
        }
        try {
            events.submitted(job);
            jobs.published(job.tenantId(), job.jobId(), now + deadlineMillis);
            tally.republished++;
        } catch (PortFailure e) {
            if (e.retryable() && sweeps + 1 < MAX_PUBLISH_SWEEPS) {
                jobs.retryLater(job.tenantId(), job.jobId(), Pending.PUBLISH, now + backoff(sweeps));
                return;
            }
            String reason = e.retryable() ? "\"Job Submitted\" could not be put in " + (sweeps + 1)
                    + " tries; the last failure: " + e.getMessage()
                    : "the event bus refuses this job's \"Job Submitted\" event: " + e.getMessage();
            fail(job, new JobError(e.retryable() ? "publish_failed" : "unpublishable", reason, e.retryable()), now,
                    tally);
        }
    }

    private void deadline(Job job, int sweeps, Supplier<JobLanes.Depths> depths, long now, Tally tally) {
        if (job.status().terminal()) {
            jobs.abandon(job.tenantId(), job.jobId(), Pending.DEADLINE);
            return;
        }
        if (depths.get().mayHold(job, now)) {
            jobs.extendDeadline(job.tenantId(), job.jobId(), now + deadlineMillis);
            tally.extended++;
            return;
        }
        if (job.status() == JobStatus.QUEUED && sweeps == 0) {
            // Never picked up and its lane is empty: its event was lost, or never put by a process
            // that died right after writing the row. One more put; the next deadline decides.
            events.submitted(job);
            jobs.retryLater(job.tenantId(), job.jobId(), Pending.DEADLINE, now + deadlineMillis);
            tally.republished++;
            return;
        }
        fail(job, new JobError("deadline_exceeded", "no outcome by its deadline and its queue no longer holds its"
                + " message: it is in a dead-letter queue or was lost", true), now, tally);
        tally.expired++;
    }

    private void announce(Job job, int sweeps, long now, Tally tally) {
        if (sweeps >= MAX_ANNOUNCE_SWEEPS) {
            jobs.abandon(job.tenantId(), job.jobId(), Pending.ANNOUNCE);
            LOG.atError().setMessage("the notifier never confirmed this outcome; giving up on announcing it"
                    + " (GET /v1/jobs shows it)").addKeyValue("status", job.status().name()).log();
            return;
        }
        events.finished(job);
        jobs.retryLater(job.tenantId(), job.jobId(), Pending.ANNOUNCE, now + backoff(sweeps));
        tally.announced++;
    }

    private void fail(Job job, JobError error, long now, Tally tally) {
        jobs.fail(job.tenantId(), job.jobId(), error, now).ifPresent(failed -> {
            tally.failed++;
            try {
                events.finished(failed);
            } catch (RuntimeException e) {
                // The row owes its announcement; the next sweeps put it.
            }
        });
    }

    private void setAside(JobStore.Due.Unreadable bad, long now, Tally tally) {
        tally.setAside++;
        LOG.atError().setMessage("a pending row does not read as a job; set aside for "
                + UNREADABLE_DEFERRAL.toMinutes() + " minutes: " + bad.problem()).addKeyValue("pk", bad.pk())
                .addKeyValue("sk", bad.sk()).log();
        try {
            jobs.deferUnreadable(bad.pk(), bad.sk(), now + UNREADABLE_DEFERRAL.toMillis());
        } catch (RuntimeException e) {
            tally.errors++;
        }
    }

    /** 15 s, 30 s, 1 min... capped at an hour. */
    private static long backoff(int sweeps) {
        return Math.min(Duration.ofHours(1).toMillis(), JobStore.PUBLISH_RETRY.toMillis() << Math.min(sweeps, 20));
    }

    private static final class Tally {
        int republished;
        int expired;
        int extended;
        int announced;
        int failed;
        int setAside;
        int errors;
    }
}
