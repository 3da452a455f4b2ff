package dev.sluice.local.stepfunctions.asl;

import java.time.Clock;

/** Runs executions of parsed definitions. */
public final class Interpreter {

    static final int DEFAULT_TASK_TIMEOUT_SECONDS = 60;

    private final TaskInvoker tasks;
    private final Sleeper sleeper;
    private final Clock clock;

    public Interpreter(TaskInvoker tasks) {
        this(tasks, Sleeper.THREAD, Clock.systemUTC());
    }

    /** @param sleeper how Wait states and retry intervals wait; {@code clock} dates Timestamp waits and $$ times */
    public Interpreter(TaskInvoker tasks, Sleeper sleeper, Clock clock) {
        this.tasks = tasks;
        this.sleeper = sleeper;
        this.clock = clock;
    }

    /**
     * Runs the execution on the calling thread until it ends, writing its history as it goes.
     * Interrupting the thread stops it ({@code StopExecution}) and returns {@link ExecutionResult.Aborted};
     * the interrupt is consumed by that answer.
     */
    public ExecutionResult run(StateMachineDefinition definition, ExecutionStart start, HistorySink history) {
        return new Execution(definition, start, new Events(history, start), tasks, sleeper, clock).run();
    }
}
