package dev.sluice.local.stepfunctions.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.json.Json;
import java.time.Instant;

/** Builds {@code $$}: fixed Execution and StateMachine parts, plus the State (and Map item) in hand. */
final class ContextObject {

    private final ObjectNode base = Json.object();

    ContextObject(ExecutionStart start) {
        ObjectNode execution = base.putObject("Execution");
        execution.put("Id", start.executionArn());
        execution.set("Input", start.input());
        execution.put("Name", start.executionName());
        execution.put("RoleArn", start.roleArn());
        execution.put("StartTime", start.startTime().toString());
        execution.put("RedriveCount", start.redriveCount());
        ObjectNode machine = base.putObject("StateMachine");
        machine.put("Id", start.stateMachineArn());
        machine.put("Name", start.stateMachineName());
    }

    ObjectNode forState(String name, Instant enteredTime, int retryCount) {
        ObjectNode context = base.deepCopy();
        ObjectNode state = context.putObject("State");
        state.put("EnteredTime", enteredTime.toString());
        state.put("Name", name);
        state.put("RetryCount", retryCount);
        return context;
    }

    /** What a Map's ItemSelector sees: the Map state's context plus {@code $$.Map.Item}. */
    static ObjectNode forMapItem(ObjectNode stateContext, int index, JsonNode value) {
        ObjectNode context = stateContext.deepCopy();
        ObjectNode item = context.putObject("Map").putObject("Item");
        item.put("Index", index);
        item.set("Value", value);
        return context;
    }
}
