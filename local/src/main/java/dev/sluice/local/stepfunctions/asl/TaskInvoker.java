package dev.sluice.local.stepfunctions.asl;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Runs the resource of a Task state. The interpreter applies InputPath/Parameters before and
 * ResultSelector/ResultPath/OutputPath after, and enforces TimeoutSeconds itself (by interrupting
 * the calling thread), so an invoker only calls the resource.
 */
public interface TaskInvoker {

    /**
     * @param resource the Task's {@code Resource}, e.g. a Lambda function ARN or
     *     {@code arn:aws:states:::lambda:invoke}
     * @param input the effective input
     * @return the task's result
     * @throws TaskFailure the error name and cause that Retry and Catch match on
     * @throws InterruptedException the execution was stopped or the task timed out
     */
    JsonNode invoke(String resource, JsonNode input) throws TaskFailure, InterruptedException;
}
