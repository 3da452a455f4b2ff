package dev.sluice.local.stepfunctions;

/** The status of an execution, as {@code DescribeExecution} names it. */
public enum ExecutionStatus {
    RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED;

    /** The states {@code RedriveExecution} accepts. */
    boolean redrivable() {
        return this == FAILED || this == TIMED_OUT || this == ABORTED;
    }
}
