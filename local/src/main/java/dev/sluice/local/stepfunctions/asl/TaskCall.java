package dev.sluice.local.stepfunctions.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** One invocation of a Task's resource, cut short by interrupting it when TimeoutSeconds runs out. */
final class TaskCall {

    private TaskCall() {
    }

    static JsonNode invoke(TaskInvoker tasks, String resource, JsonNode input, int timeoutSeconds)
            throws InterruptedException {
        CompletableFuture<JsonNode> result = new CompletableFuture<>();
        Thread call = Thread.ofVirtual().start(() -> {
            try {
                result.complete(tasks.invoke(resource, input));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        try {
            JsonNode output = result.get(timeoutSeconds, TimeUnit.SECONDS);
            return output == null ? NullNode.getInstance() : output;
        } catch (TimeoutException e) {
            call.interrupt();
            throw new StatesError(StatesError.TIMEOUT, "Task timed out after " + timeoutSeconds + " seconds.");
        } catch (InterruptedException e) {
            call.interrupt();
            throw e;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TaskFailure failure) {
                throw new StatesError(failure.error(), failure.cause());
            }
            // anything else the invoker throws is a task failure, not an interpreter fault
            throw new StatesError(StatesError.TASK_FAILED, String.valueOf(e.getCause()));
        }
    }
}
