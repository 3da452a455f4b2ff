package dev.sluice.local.stepfunctions;

import dev.sluice.local.stepfunctions.asl.ExecutionResult;
import dev.sluice.local.stepfunctions.asl.ExecutionStart;
import dev.sluice.local.stepfunctions.asl.HistorySink;
import dev.sluice.local.stepfunctions.asl.Interpreter;
import dev.sluice.local.stepfunctions.asl.StateMachineDefinition;
import dev.sluice.local.stepfunctions.asl.TaskInvoker;

/** The ASL interpreter behind {@link StepFunctionsEngine}. */
public final class AslEngine implements StepFunctionsEngine {

    private final Interpreter interpreter;

    public AslEngine(TaskInvoker tasks) {
        this.interpreter = new Interpreter(tasks);
    }

    @Override
    public void validate(String definition) {
        StateMachineDefinition.parse(definition);
    }

    /** Parses again rather than caching: the definition was validated when stored, and parsing is cheap. */
    @Override
    public ExecutionResult run(String definition, ExecutionStart start, HistorySink history) {
        return interpreter.run(StateMachineDefinition.parse(definition), start, history);
    }
}
