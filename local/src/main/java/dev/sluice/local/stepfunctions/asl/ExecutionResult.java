package dev.sluice.local.stepfunctions.asl;

import com.fasterxml.jackson.databind.JsonNode;

/** How an execution ended. A failed or timed-out one says where a redrive would begin. */
public sealed interface ExecutionResult {

    record Succeeded(JsonNode output) implements ExecutionResult {
    }

    record Failed(String error, String cause, ResumePoint redriveFrom) implements ExecutionResult {
    }

    record TimedOut(String error, String cause, ResumePoint redriveFrom) implements ExecutionResult {
    }

    /** Stopped by {@code StopExecution}: the thread running it was interrupted. */
    record Aborted() implements ExecutionResult {
    }
}
