package dev.sluice.workers.ai.batch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.jobs.Job;
import dev.sluice.core.jobs.JobError;
import dev.sluice.core.jobs.JobStatus;
import dev.sluice.core.jobs.JobStore;
import dev.sluice.core.jobs.S3Ref;
import dev.sluice.core.json.Json;
import dev.sluice.workers.jobevents.ClaimChecks;
import dev.sluice.workers.jobevents.JobEvents;
import dev.sluice.workers.jobs.JobQueueWorker;
import dev.sluice.workers.logging.LogContext;
import dev.sluice.workers.metrics.Metrics;
import dev.sluice.workers.jobs.JobMetrics;
import dev.sluice.workers.metrics.MetricsScope;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * What the batch lane does to the jobs of a batch, through the same job row and events as the
 * on-demand lanes: a job taken into a batch is RUNNING under a lease as long as the batch may take,
 * and leaves it SUCCEEDED or FAILED (announced, so the notifier pushes it), or back on demand. Each
 * move is conditional on the job still being RUNNING, so a step that runs twice moves a job once.
 */
final class BatchJobs {

    private static final Logger LOG = LoggerFactory.getLogger(BatchJobs.class);

    private final JobStore jobs;
    private final JobEvents events;
    private final ClaimChecks claimChecks;
    private final SqsClient sqs;
    private final String onDemandQueueUrl;
    private final Clock clock;
    private final Metrics metrics;

    BatchJobs(JobStore jobs, JobEvents events, ClaimChecks claimChecks, SqsClient sqs, String onDemandQueueUrl,
            Clock clock, Metrics metrics) {
        this.jobs = jobs;
        this.events = events;
        this.claimChecks = claimChecks;
        this.sqs = sqs;
        this.onDemandQueueUrl = onDemandQueueUrl;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** The job's row while the batch holds it; empty once it has moved on (finished, or returned and retaken). */
    Optional<Job> held(BatchEntry entry) {
        return jobs.get(entry.tenantId(), entry.jobId()).filter(j -> j.status() == JobStatus.RUNNING);
    }

    /** SUCCEEDED with {@code result}, announced; false if the job was no longer RUNNING. */
    boolean complete(Job job, JsonNode result) {
        byte[] json = Json.write(result).getBytes(StandardCharsets.UTF_8);
        S3Ref ref = json.length > JobQueueWorker.INLINE_RESULT_BYTES
                ? claimChecks.put("results/" + job.tenantId() + "/" + job.jobId() + ".json", json) : null;
        Optional<Job> done = jobs.complete(job, result, ref, clock.millis(), java.util.List.of());
        done.ifPresent(this::announce);
        return done.isPresent();
    }

    /** FAILED for good with the reason, announced; false if it had finished already. */
    boolean fail(BatchEntry entry, String code, String message) {
        Optional<Job> failed = jobs.fail(entry.tenantId(), entry.jobId(), new JobError(code, message, false),
                clock.millis());
        failed.ifPresent(this::announce);
        return failed.isPresent();
    }

    /**
     * Back to the on-demand lane: the lease is released first, so the on-demand worker may take the job
     * as soon as its message arrives (its attempt counts on). False if the batch no longer held it.
     */
    boolean returnOnDemand(BatchEntry entry) {
        if (held(entry).isEmpty()) {
            return false;
        }
        jobs.releaseLease(entry.tenantId(), entry.jobId());
        sqs.sendMessage(b -> b.queueUrl(onDemandQueueUrl).messageBody(Json.write(entry.event())));
        return true;
    }

    /** Counted as the on-demand lanes count their jobs (JobQueueWorker), so the dashboards see batch outcomes too. */
    private void measure(Job job) {
        try (MetricsScope scope = metrics.scope()) {
            JobMetrics.finished(scope.property("inference", "batch"), job);
        }
    }

    /** A failed put is left to the sweeper: the row says the announcement is owed until the notifier has it. */
    private void announce(Job job) {
        measure(job);
        try (LogContext scope = LogContext.job(job.tenantId(), job.jobId(), job.correlationId())) {
            try {
                events.finished(job);
            } catch (RuntimeException e) {
                LOG.error("announcing the finished job failed; the sweeper will repeat it: " + e);
            }
            LOG.atInfo().setMessage("job " + job.status() + " by batch").log();
        }
    }
}
