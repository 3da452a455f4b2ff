package dev.sluice.local.stepfunctions;

import dev.sluice.local.stepfunctions.asl.ResumePoint;
import java.time.Instant;

/**
 * One execution as {@code DescribeExecution} shows it, plus what a redrive needs: the definition it
 * ran (a redrive keeps it even if the state machine was updated since) and where the failed run
 * stopped ({@code resume}, null to start over from {@code StartAt}).
 */
public record ExecutionRecord(String executionArn, String stateMachineArn, String name, String definition,
        String roleArn, ExecutionStatus status, Instant startDate, Instant stopDate, String input, String output,
        String error, String cause, int redriveCount, Instant redriveDate, ResumePoint resume) {

    static ExecutionRecord started(String executionArn, StateMachineRecord machine, String name, String input,
            Instant at) {
        return new ExecutionRecord(executionArn, machine.arn(), name, machine.definition(), machine.roleArn(),
                ExecutionStatus.RUNNING, at, null, input, null, null, null, 0, null, null);
    }

    ExecutionRecord ended(ExecutionStatus newStatus, Instant at, String newOutput, String newError,
            String newCause, ResumePoint newResume) {
        return new ExecutionRecord(executionArn, stateMachineArn, name, definition, roleArn, newStatus, startDate,
                at, input, newOutput, newError, newCause, redriveCount, redriveDate, newResume);
    }

    /** Running again: the failure is forgotten, the resume point is kept for the run that uses it. */
    ExecutionRecord redriven(Instant at) {
        return new ExecutionRecord(executionArn, stateMachineArn, name, definition, roleArn, ExecutionStatus.RUNNING,
                startDate, null, input, null, null, null, redriveCount + 1, at, resume);
    }
}
