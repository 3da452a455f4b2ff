package dev.sluice.operations.jobs;

import dev.sluice.core.jobs.Job;
import java.util.List;

/**
 * A job an operator's selection found, and what a retry does with it.
 *
 * @param lanes the queues its "Job Submitted" event is routed to, by topology name
 * @param why for a job not retried, the reason, in words an operator reads
 */
public record RetryCandidate(Job job, Verdict verdict, String why, List<String> lanes) {

    public RetryCandidate {
        lanes = List.copyOf(lanes);
    }

    /** What a retry does with a job it found. */
    public enum Verdict {
        /** FAILED with a retryable error: its event goes back to its lane. */
        RETRY,
        /** Not FAILED, or FAILED for good (bad input, an e-mail whose send nobody can know): running it again cannot help. */
        SKIPPED,
        /** Replayed {@link JobRetrySelection#LOOP_GUARD} times already: refused unless forced. */
        REFUSED
    }
}
