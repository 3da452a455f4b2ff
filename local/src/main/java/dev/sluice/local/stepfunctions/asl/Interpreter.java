package dev.sluice.local.stepfunctions.asl;

/** Runs executions of parsed definitions. PLACEHOLDER: the interpreter's author replaces this file. */
public final class Interpreter {

    private final TaskInvoker tasks;

    public Interpreter(TaskInvoker tasks) {
        this.tasks = tasks;
    }

    /**
     * Runs the execution on the calling thread until it ends, writing its history as it goes.
     * Interrupting the thread stops it ({@code StopExecution}) and returns {@link ExecutionResult.Aborted}.
     */
    public ExecutionResult run(StateMachineDefinition definition, ExecutionStart start, HistorySink history) {
        throw new UnsupportedOperationException("interpreter not merged yet");
    }
}
