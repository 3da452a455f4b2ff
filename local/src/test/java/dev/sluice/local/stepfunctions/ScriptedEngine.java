package dev.sluice.local.stepfunctions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.json.Json;
import dev.sluice.local.stepfunctions.asl.ExecutionResult;
import dev.sluice.local.stepfunctions.asl.ExecutionStart;
import dev.sluice.local.stepfunctions.asl.HistorySink;
import dev.sluice.local.stepfunctions.asl.InvalidDefinitionException;
import dev.sluice.local.stepfunctions.asl.ResumePoint;

/**
 * A stand-in for the ASL interpreter until it lands: a definition is valid when it is JSON with a
 * {@code StartAt}; an execution does what its input's {@code script} says. {@code fail-once} fails
 * at state "Second" and succeeds when redriven from there; {@code block} waits to be interrupted
 * unless redriven; anything else echoes the input through one Pass state.
 */
final class ScriptedEngine implements StepFunctionsEngine {

    @Override
    public void validate(String definition) {
        JsonNode parsed;
        try {
            parsed = Json.parse(definition);
        } catch (IllegalArgumentException e) {
            throw new InvalidDefinitionException("not JSON: " + e.getMessage());
        }
        if (!parsed.path("StartAt").isTextual()) {
            throw new InvalidDefinitionException("field \"StartAt\": is required");
        }
    }

    @Override
    public ExecutionResult run(String definition, ExecutionStart start, HistorySink history) {
        JsonNode input = start.input();
        switch (input.path("script").asText()) {
            case "fail-once" -> {
                if (start.resume() == null) {
                    history.append("PassStateEntered", state("First", input));
                    history.append("TaskStateEntered", state("Second", input));
                    return new ExecutionResult.Failed("Scripted.Error", "the first run fails",
                            new ResumePoint("Second", input));
                }
                history.append("TaskStateEntered", state(start.resume().stateName(), start.resume().input()));
                return new ExecutionResult.Succeeded(Json.object().put("resumedAt", start.resume().stateName())
                        .put("redriveCount", start.redriveCount()));
            }
            case "block" -> {
                if (start.redriveCount() > 0) {
                    return new ExecutionResult.Succeeded(Json.object().put("redriven", true));
                }
                history.append("WaitStateEntered", state("Forever", input));
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    history.append("WaitStateExited", state("Forever", input));
                }
                return new ExecutionResult.Aborted();
            }
            default -> {
                history.append("PassStateEntered", state("Echo", input));
                ObjectNode output = Json.object();
                output.set("echo", input);
                history.append("PassStateExited", Json.object().put("name", "Echo").put("output", Json.write(output)));
                return new ExecutionResult.Succeeded(output);
            }
        }
    }

    private static ObjectNode state(String name, JsonNode input) {
        return Json.object().put("name", name).put("input", Json.write(input));
    }
}
