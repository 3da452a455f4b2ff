package dev.sluice.local.stepfunctions.asl;

/** An error raised while running a state: what Retry and Catch match and what fails an execution. */
final class StatesError extends RuntimeException {

    static final String ALL = "States.ALL";
    static final String TASK_FAILED = "States.TaskFailed";
    static final String TIMEOUT = "States.Timeout";
    static final String RUNTIME = "States.Runtime";
    static final String DATA_LIMIT = "States.DataLimitExceeded";
    static final String RESULT_PATH = "States.ResultPathMatchFailure";
    static final String INTRINSIC = "States.IntrinsicFailure";
    static final String NO_CHOICE = "States.NoChoiceMatched";
    static final String TOLERATED = "States.ExceedToleratedFailureThreshold";

    private final String error;
    private final String cause;

    StatesError(String error, String cause) {
        super(error + ": " + cause, null, false, false);
        this.error = error;
        this.cause = cause;
    }

    static StatesError runtime(String cause) {
        return new StatesError(RUNTIME, cause);
    }

    String error() {
        return error;
    }

    String cause() {
        return cause;
    }

    /** Errors that end the execution whatever the Retry, Catch or tolerated failures say. */
    boolean terminal() {
        return RUNTIME.equals(error) || DATA_LIMIT.equals(error);
    }

    /**
     * Whether a retrier's or catcher's ErrorEquals takes this error. AWS documents States.Runtime as
     * never retried nor caught, and States.DataLimitExceeded as out of reach of the wildcards.
     */
    boolean matches(Iterable<String> errorEquals) {
        if (RUNTIME.equals(error)) {
            return false;
        }
        for (String name : errorEquals) {
            boolean wildcard = name.equals(ALL) || name.equals(TASK_FAILED) && !TIMEOUT.equals(error);
            if (name.equals(error) || wildcard && !DATA_LIMIT.equals(error)) {
                return true;
            }
        }
        return false;
    }
}
