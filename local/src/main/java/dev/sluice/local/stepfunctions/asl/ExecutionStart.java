package dev.sluice.local.stepfunctions.asl;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * What an execution starts with; it also fills the context object ({@code $$.Execution},
 * {@code $$.StateMachine}). {@code resume} is null for a new execution and names the state to
 * begin at when {@code RedriveExecution} restarts a failed one.
 */
public record ExecutionStart(String executionArn, String executionName, String stateMachineArn,
        String stateMachineName, String roleArn, JsonNode input, Instant startTime, int redriveCount,
        ResumePoint resume) {
}
