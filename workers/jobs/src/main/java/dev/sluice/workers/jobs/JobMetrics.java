package dev.sluice.workers.jobs;

import dev.sluice.core.jobs.Job;
import dev.sluice.core.jobs.JobStatus;
import dev.sluice.workers.metrics.Metric;
import dev.sluice.workers.metrics.MetricsScope;

/**
 * How a finished job is counted, whichever lane finished it (on demand or a batch): by type (and
 * reason), its latency measured from submission, its ids as properties.
 */
public final class JobMetrics {

    private JobMetrics() {
    }

    public static void finished(MetricsScope scope, Job job) {
        String type = job.type().wire();
        scope.property("jobId", job.jobId()).property("tenantId", job.tenantId());
        if (job.status() == JobStatus.SUCCEEDED) {
            scope.count(Metric.JOBS_SUCCEEDED, type);
        } else {
            scope.count(Metric.JOBS_FAILED, type, job.error() == null ? null : job.error().code());
        }
        if (job.finishedAt() != null) {
            scope.put(Metric.JOB_LATENCY, job.finishedAt() - job.submittedAt(), type);
        }
    }
}
