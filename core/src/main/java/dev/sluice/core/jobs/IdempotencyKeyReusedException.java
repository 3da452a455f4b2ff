package dev.sluice.core.jobs;

/** The Idempotency-Key was already used by this tenant for a different request body. */
public final class IdempotencyKeyReusedException extends RuntimeException {

    private final String jobId;

    public IdempotencyKeyReusedException(String jobId) {
        super("this Idempotency-Key was already used for a different request (job " + jobId + ")");
        this.jobId = jobId;
    }

    public String jobId() {
        return jobId;
    }
}
