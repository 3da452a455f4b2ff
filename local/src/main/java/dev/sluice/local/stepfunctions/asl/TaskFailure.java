package dev.sluice.local.stepfunctions.asl;

/** A task that failed with an error name (what {@code ErrorEquals} matches) and a cause. */
public final class TaskFailure extends Exception {

    private final String error;
    private final String cause;

    public TaskFailure(String error, String cause) {
        super(error + ": " + cause);
        this.error = error;
        this.cause = cause;
    }

    public String error() {
        return error;
    }

    public String cause() {
        return cause;
    }
}
