package dev.sluice.operations.jobs;

import dev.sluice.core.jobs.Job;
import dev.sluice.core.jobs.JobStatus;
import dev.sluice.core.jobs.JobStore;
import dev.sluice.core.json.Json;
import dev.sluice.core.topology.QueueSpec;
import dev.sluice.operations.select.MessagePattern;
import dev.sluice.workers.jobevents.JobEvents;
import dev.sluice.workers.jobevents.JobRoutes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Which failed jobs an operator's retry would put back, and why the others are not: only a FAILED job
 * whose error is retryable runs again (the lane worker's replay transition refuses any other), and one
 * replayed {@link #LOOP_GUARD} times already is refused unless forced, the loop guard a DLQ replay has.
 * Reads only; {@link JobRetry} acts on the answer.
 */
public final class JobRetrySelection {

    /** Replays a job may have had before a retry needs {@code --force}, as for a DLQ replay. */
    public static final int LOOP_GUARD = 3;

    private final JobStore jobs;
    private final JobRoutes routes;

    public JobRetrySelection(JobStore jobs, JobRoutes routes) {
        this.jobs = jobs;
        this.routes = routes;
    }

    /** One job, by its id; {@code tenantId} null to look for it in every tenant. */
    public record ById(String jobId, String tenantId, boolean force) {
    }

    /**
     * The jobs that FAILED at or after {@code since}, of one tenant or (null) all, whose "Job Submitted"
     * event matches {@code match}, the first {@code limit} of them, oldest failure first.
     */
    public record Failed(Instant since, String tenantId, MessagePattern match, int limit, boolean force) {
    }

    /** @throws UnknownJobException no job has this id */
    public RetryCandidate of(ById selection) {
        Optional<Job> job = selection.tenantId() == null ? jobs.find(selection.jobId())
                : jobs.get(selection.tenantId(), selection.jobId());
        return judge(job.orElseThrow(() -> new UnknownJobException(selection.jobId(), selection.tenantId())),
                selection.force());
    }

    public List<RetryCandidate> of(Failed selection) {
        List<RetryCandidate> chosen = new ArrayList<>();
        jobs.failedSince(selection.tenantId(), selection.since().toEpochMilli()).stream()
                .sorted(Comparator.comparing(Job::finishedAt).thenComparing(Job::jobId))
                .filter(job -> selection.match().matches(Json.write(JobEvents.submittedEvent(job))))
                .limit(selection.limit())
                .forEach(job -> chosen.add(judge(job, selection.force())));
        return chosen;
    }

    private RetryCandidate judge(Job job, boolean force) {
        List<String> lanes = routes.of(job).stream().map(QueueSpec::name).toList();
        if (job.status() != JobStatus.FAILED) {
            return new RetryCandidate(job, RetryCandidate.Verdict.SKIPPED, "it is " + job.status() + ", not FAILED",
                    lanes);
        }
        if (job.error() == null || !job.error().retryable()) {
            String code = job.error() == null ? "no error recorded" : job.error().code();
            return new RetryCandidate(job, RetryCandidate.Verdict.SKIPPED, "its failure (" + code
                    + ") is permanent: running it again cannot succeed", lanes);
        }
        if (lanes.isEmpty()) {
            return new RetryCandidate(job, RetryCandidate.Verdict.SKIPPED, "no rule routes its event to a queue",
                    lanes);
        }
        if (job.replays() >= LOOP_GUARD && !force) {
            return new RetryCandidate(job, RetryCandidate.Verdict.REFUSED, "replayed " + job.replays()
                    + " times already (the guard is " + LOOP_GUARD + "): --force to run it again", lanes);
        }
        return new RetryCandidate(job, RetryCandidate.Verdict.RETRY, null, lanes);
    }

    /** A job id that names no job: a usage error, one line. */
    public static final class UnknownJobException extends IllegalArgumentException {

        public UnknownJobException(String jobId, String tenantId) {
            super("no job \"" + jobId + "\"" + (tenantId == null ? "" : " in tenant \"" + tenantId + "\""));
        }
    }
}
