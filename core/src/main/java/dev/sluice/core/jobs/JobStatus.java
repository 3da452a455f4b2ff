package dev.sluice.core.jobs;

/** A job's life: QUEUED → RUNNING → SUCCEEDED | FAILED. */
public enum JobStatus {
    QUEUED, RUNNING, SUCCEEDED, FAILED;

    public boolean terminal() {
        return this == SUCCEEDED || this == FAILED;
    }
}
