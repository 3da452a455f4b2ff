package dev.sluice.operations.executions;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.json.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * An execution's {@code GetExecutionHistory}, state by state. Events are folded in the order the
 * service numbered them: a task's attempts and failures belong to the Task state entered last and not
 * yet left (inside a Map the iterations interleave, and an attempt may then be counted on a sibling
 * iteration of the same state: the totals per state name stay right). The SDK's
 * {@code HistoryEvent.toString()} redacts inputs and outputs, so only the fields read here are shown.
 *
 * @param status the execution's end: FAILED, TIMED_OUT, ABORTED, SUCCEEDED, or RUNNING
 * @param error   how the execution ended, {@code error: cause}; null unless it failed
 * @param endedInFailState the last state entered before the execution failed was a Fail state: the
 *                         failure went through a Catch (or the machine's own choice) and a redrive
 *                         would only enter that Fail state again
 * @param redrives how many times it was redriven
 */
public record ExecutionHistory(String executionArn, String status, List<StateVisit> states, String error,
        boolean endedInFailState, int redrives) {

    public ExecutionHistory {
        states = List.copyOf(states);
    }

    /** The visit where the execution's failure began: the last state that failed without being caught. */
    public StateVisit failedIn() {
        for (int i = states.size() - 1; i >= 0; i--) {
            StateVisit v = states.get(i);
            if (!v.errors().isEmpty() && v.caughtTo() == null) {
                return v;
            }
        }
        return null;
    }

    /** The Catch path the execution took: "Validate → MarkFailed → Failed", or null if none was taken. */
    public String catchPath() {
        for (StateVisit v : states) {
            if (v.caughtTo() != null) {
                StringBuilder path = new StringBuilder(v.name()).append(" → ").append(v.caughtTo());
                StateVisit last = states.get(states.size() - 1);
                if (!last.name().equals(v.caughtTo())) {
                    path.append(" → ").append(last.name());
                }
                return path.toString();
            }
        }
        return null;
    }

    public ObjectNode toJson() {
        ObjectNode o = Json.object().put("executionArn", executionArn).put("status", status);
        o.put("error", error);
        o.put("endedInFailState", endedInFailState).put("redrives", redrives);
        ArrayNode s = o.putArray("states");
        states.forEach(v -> s.add(v.toJson()));
        return o;
    }

    /** Folds the events (oldest first, all pages) into visits. */
    static ExecutionHistory of(String executionArn, List<HistoryEvent> events) {
        List<Visit> visits = new ArrayList<>();
        List<Visit> open = new ArrayList<>();
        Visit pendingCatch = null;
        String status = "RUNNING";
        String error = null;
        String lastEnteredType = null;
        boolean endedInFail = false;
        int redrives = 0;
        for (HistoryEvent e : events) {
            String type = e.typeAsString();
            Instant at = e.timestamp();
            if (type.endsWith("StateEntered")) {
                Visit v = new Visit(e.stateEnteredEventDetails().name(), type.substring(0,
                        type.length() - "StateEntered".length()), at);
                if (pendingCatch != null) {
                    pendingCatch.caughtTo = v.name;
                    pendingCatch = null;
                }
                visits.add(v);
                open.add(v);
                lastEnteredType = v.type;
            } else if (type.endsWith("StateExited")) {
                String name = e.stateExitedEventDetails().name();
                for (int i = open.size() - 1; i >= 0; i--) {
                    if (open.get(i).name.equals(name)) {
                        Visit v = open.remove(i);
                        v.exited = at;
                        if (v.lastFailed) {
                            pendingCatch = v;
                        }
                        break;
                    }
                }
            } else {
                switch (type) {
                    case "LambdaFunctionScheduled", "TaskScheduled", "ActivityScheduled" -> attempt(open, null);
                    case "LambdaFunctionFailed" -> attempt(open, failure(e.lambdaFunctionFailedEventDetails().error(),
                            e.lambdaFunctionFailedEventDetails().cause()));
                    case "LambdaFunctionTimedOut" -> attempt(open, failure(
                            e.lambdaFunctionTimedOutEventDetails().error(), e.lambdaFunctionTimedOutEventDetails().cause()));
                    case "LambdaFunctionStartFailed" -> attempt(open, failure(
                            e.lambdaFunctionStartFailedEventDetails().error(),
                            e.lambdaFunctionStartFailedEventDetails().cause()));
                    case "LambdaFunctionScheduleFailed" -> attempt(open, failure(
                            e.lambdaFunctionScheduleFailedEventDetails().error(),
                            e.lambdaFunctionScheduleFailedEventDetails().cause()));
                    case "TaskFailed" -> attempt(open, failure(e.taskFailedEventDetails().error(),
                            e.taskFailedEventDetails().cause()));
                    case "TaskTimedOut" -> attempt(open, failure(e.taskTimedOutEventDetails().error(),
                            e.taskTimedOutEventDetails().cause()));
                    case "MapStateFailed", "ParallelStateFailed" -> {
                        Visit v = lastOpen(open, type.startsWith("Map") ? "Map" : "Parallel");
                        if (v != null) {
                            v.lastFailed = true;
                            v.errors.add(type.startsWith("Map") ? "an iteration failed" : "a branch failed");
                        }
                    }
                    case "ExecutionFailed" -> {
                        status = "FAILED";
                        error = failure(e.executionFailedEventDetails().error(), e.executionFailedEventDetails().cause());
                        endedInFail = "Fail".equals(lastEnteredType);
                    }
                    case "ExecutionTimedOut" -> {
                        status = "TIMED_OUT";
                        error = e.executionTimedOutEventDetails() == null ? "States.Timeout"
                                : failure(e.executionTimedOutEventDetails().error(),
                                        e.executionTimedOutEventDetails().cause());
                    }
                    case "ExecutionAborted" -> {
                        status = "ABORTED";
                        error = e.executionAbortedEventDetails() == null ? "aborted"
                                : failure(e.executionAbortedEventDetails().error(),
                                        e.executionAbortedEventDetails().cause());
                    }
                    case "ExecutionSucceeded" -> status = "SUCCEEDED";
                    case "ExecutionRedriven" -> {
                        redrives++;
                        status = "RUNNING";
                        error = null;
                        endedInFail = false;
                    }
                    default -> {
                        // started, iterations, succeeded tasks: nothing a visit shows
                    }
                }
            }
        }
        return new ExecutionHistory(executionArn, status, visits.stream().map(Visit::toRecord).toList(), error,
                endedInFail, redrives);
    }

    /** A scheduled attempt (failure null) or the failure of the current one, on the open Task state. */
    private static void attempt(List<Visit> open, String failure) {
        Visit v = lastOpen(open, "Task");
        if (v == null) {
            return;
        }
        if (failure == null) {
            v.attempts++;
            v.lastFailed = false;
        } else {
            v.errors.add(failure);
            v.lastFailed = true;
        }
    }

    private static Visit lastOpen(List<Visit> open, String type) {
        for (int i = open.size() - 1; i >= 0; i--) {
            if (open.get(i).type.equals(type)) {
                return open.get(i);
            }
        }
        return null;
    }

    private static String failure(String error, String cause) {
        String e = error == null || error.isEmpty() ? "(no error name)" : error;
        return cause == null || cause.isEmpty() ? e : e + ": " + cause;
    }

    /** A visit being folded. */
    private static final class Visit {
        final String name;
        final String type;
        final Instant entered;
        Instant exited;
        int attempts;
        final List<String> errors = new ArrayList<>();
        boolean lastFailed;
        String caughtTo;

        Visit(String name, String type, Instant entered) {
            this.name = name;
            this.type = type;
            this.entered = entered;
        }

        StateVisit toRecord() {
            return new StateVisit(name, type, entered, exited,
                    attempts, errors, caughtTo);
        }
    }
}
