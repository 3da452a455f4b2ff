package dev.sluice.core.jobs;

/**
 * What the sweeper owes a job that is due: the outbox of the job flow. A job is in the sparse
 * {@code pending} index from its creation until the notifier confirms its outcome, so no job can sit
 * QUEUED or unannounced forever because a put failed, a message was lost or a process died.
 */
public enum Pending {
    /** The put of "Job Submitted" failed: put it again. */
    PUBLISH,
    /**
     * Submitted, and owes an outcome by the due time. At the deadline a job whose message may still
     * wait in its queue gets more time; one that was never picked up is put once more; otherwise it
     * is failed (its message is in a dead-letter queue or was lost).
     */
    DEADLINE,
    /** Finished, and the notifier has not confirmed "Job Completed"/"Job Failed": put it again. */
    ANNOUNCE
}
