package dev.sluice.local.stepfunctions.asl;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Where an execution's history goes, event by event, in the shape of {@code GetExecutionHistory}:
 * {@code type} is the event type ({@code TaskStateEntered}, {@code LambdaFunctionScheduled},
 * {@code MapIterationStarted}...) and {@code details} the object AWS puts under the type's details
 * field ({@code stateEnteredEventDetails}, {@code executionFailedEventDetails}...), or null for
 * event types that carry none. The sink numbers and timestamps the events. The interpreter writes
 * the events of states; the execution-level ones (ExecutionStarted, ExecutionSucceeded/Failed/
 * TimedOut/Aborted, ExecutionRedriven) are the service's, which owns the execution's lifecycle. Called from several
 * threads at once when a Map or Parallel state runs branches concurrently.
 */
public interface HistorySink {

    /** @return the id given to the event */
    long append(String type, ObjectNode details);
}
