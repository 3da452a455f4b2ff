package dev.sluice.core.jobs;

/**
 * What the sweeper owes a job that is due: the outbox of the job flow. A job is in the sparse
 * {@code pending} index from its creation until its result is announced, so no job can sit
 * QUEUED or unannounced forever because a put failed or a message was lost.
 */
public enum Pending {
    /** Written, but "Job Submitted" not yet put: put it again. */
    PUBLISH,
    /** Submitted: if it is still not finished when due, it is failed (its message is in a DLQ or lost). */
    DEADLINE,
    /** Finished, but "Job Completed"/"Job Failed" not yet put: put it again. */
    ANNOUNCE
}
