package dev.sluice.local.stepfunctions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.json.Json;
import dev.sluice.local.AwsIdentity;
import dev.sluice.local.http.AwsApiException;
import dev.sluice.local.stepfunctions.asl.ExecutionResult;
import dev.sluice.local.stepfunctions.asl.ExecutionStart;
import dev.sluice.local.stepfunctions.asl.HistorySink;
import dev.sluice.local.stepfunctions.asl.InvalidDefinitionException;
import dev.sluice.local.stepfunctions.asl.ResumePoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The local Step Functions service: STANDARD state machines and their executions, with AWS's
 * semantics and error codes, kept under {@code <stateDir>/stepfunctions/} and reloaded at start.
 * Each execution runs on its own virtual thread.
 *
 * <p>The service writes the execution-level history events (ExecutionStarted, ExecutionRedriven
 * and the terminal ExecutionSucceeded/Failed/TimedOut/Aborted); the engine writes the events of
 * the states it runs.
 */
public final class LocalStepFunctions implements AutoCloseable {

    /** StartExecution's limit on the input, in UTF-8 bytes. */
    static final int MAX_INPUT_BYTES = 256 * 1024;
    /** How long after it stopped an execution can be redriven. */
    static final Duration REDRIVE_PERIOD = Duration.ofDays(14);
    static final String STOPPED_WHILE_RUNNING = "the local runtime stopped while the execution was running";
    /** AWS's rule for state machine and execution names: 1 to 80 characters, none of these. */
    private static final Pattern NAME = Pattern.compile("[^\\s<>{}\\[\\]?*\"#%\\\\^|~`$&,;:/\\x00-\\x1F\\x7F-\\x9F]{1,80}");
    private static final Duration STOP_PATIENCE = Duration.ofSeconds(5);

    private final AwsIdentity identity;
    private final StepFunctionsEngine engine;
    private final StepFunctionsStore store;
    private final Map<String, StateMachineRecord> machines = new TreeMap<>();
    private final Map<String, ExecutionRecord> executions = new HashMap<>();
    private final Map<String, ExecutionHistory> histories = new HashMap<>();
    private final Map<String, Thread> running = new HashMap<>();
    private boolean closed;

    private LocalStepFunctions(AwsIdentity identity, StepFunctionsEngine engine, StepFunctionsStore store) {
        this.identity = identity;
        this.engine = engine;
        this.store = store;
    }

    /** Opens the service on {@code stateDir}, reloading what an earlier process left there. */
    public static LocalStepFunctions open(Path stateDir, AwsIdentity identity, StepFunctionsEngine engine)
            throws IOException {
        LocalStepFunctions service = new LocalStepFunctions(identity, engine,
                new StepFunctionsStore(stateDir.resolve("stepfunctions")));
        service.reload();
        return service;
    }

    private synchronized void reload() throws IOException {
        for (StateMachineRecord m : store.loadStateMachines()) {
            machines.put(m.name(), m);
        }
        Instant now = Instant.now();
        for (ExecutionRecord e : store.loadExecutions()) {
            ExecutionHistory history = ExecutionHistory.load(store.historyFile(e));
            if (e.status() == ExecutionStatus.RUNNING) {
                // No thread carries this run on: the process that ran it died or was stopped. AWS
                // would have finished it; locally it fails with a cause that says why, and since it
                // is FAILED it can be redriven from where the last failed run stopped (or from the
                // start when none did).
                e = e.ended(ExecutionStatus.FAILED, now, null, "States.Runtime", STOPPED_WHILE_RUNNING, e.resume());
                history.endRun("ExecutionFailed", failure(e.error(), e.cause()));
                store.save(e);
            }
            executions.put(e.executionArn(), e);
            histories.put(e.executionArn(), history);
        }
    }

    public AwsIdentity identity() {
        return identity;
    }

    // --- state machines

    public synchronized StateMachineRecord createStateMachine(String name, String definition, String roleArn,
            String type) {
        required("name", name);
        required("definition", definition);
        required("roleArn", roleArn);
        if (type != null && !type.equals("STANDARD")) {
            throw AwsApiException.validation(type.equals("EXPRESS")
                    ? "EXPRESS state machines are not supported by the local runtime; use STANDARD"
                    : "1 validation error detected: Value '" + type + "' at 'type' failed to satisfy constraint:"
                            + " Member must satisfy enum value set: [STANDARD, EXPRESS]");
        }
        requireName(name);
        validate(definition);
        StateMachineRecord existing = machines.get(name);
        if (existing != null) {
            // CreateStateMachine is idempotent on name and definition; a role change alone is ignored.
            if (existing.definition().equals(definition)) {
                return existing;
            }
            throw new AwsApiException(400, "StateMachineAlreadyExists",
                    "State Machine Already Exists: '" + existing.arn() + "'");
        }
        StateMachineRecord created = new StateMachineRecord(identity.stateMachineArn(name), name, definition, roleArn,
                Instant.now(), null);
        store.save(created);
        machines.put(name, created);
        return created;
    }

    /** @param definition null to keep the current one */
    public synchronized StateMachineRecord updateStateMachine(String arn, String definition, String roleArn) {
        StateMachineRecord current = stateMachine(arn);
        if (definition == null && roleArn == null) {
            throw new AwsApiException(400, "MissingRequiredParameter",
                    "Either the definition or the roleArn must be specified.");
        }
        if (definition != null) {
            validate(definition);
        }
        StateMachineRecord updated = current.updated(definition == null ? current.definition() : definition,
                roleArn == null ? current.roleArn() : roleArn, Instant.now());
        store.save(updated);
        machines.put(updated.name(), updated);
        return updated;
    }

    /** Creates the state machine, or updates it when its definition changed: what a deployment does. */
    public synchronized StateMachineRecord deploy(String name, String definition, String roleArn) {
        StateMachineRecord existing = machines.get(name);
        if (existing != null && !existing.definition().equals(definition)) {
            return updateStateMachine(existing.arn(), definition, null);
        }
        return createStateMachine(name, definition, roleArn, "STANDARD");
    }

    public synchronized StateMachineRecord stateMachine(String arn) {
        requireArn(arn, ":stateMachine:");
        return machines.values().stream().filter(m -> m.arn().equals(arn)).findFirst().orElseThrow(
                () -> new AwsApiException(400, "StateMachineDoesNotExist", "State Machine Does Not Exist: '" + arn + "'"));
    }

    /** By name. */
    public synchronized List<StateMachineRecord> stateMachines() {
        return List.copyOf(machines.values());
    }

    /** Executions already started run on, and stay readable; a deleted machine's executions cannot be redriven. */
    public synchronized void deleteStateMachine(String arn) {
        requireArn(arn, ":stateMachine:");
        machines.values().stream().filter(m -> m.arn().equals(arn)).findFirst().ifPresent(m -> {
            store.delete(m);
            machines.remove(m.name());
        });
    }

    // --- executions

    /**
     * Starts an execution, or returns the running one of the same name when the input is the same
     * (AWS's idempotency); a name already used otherwise is {@code ExecutionAlreadyExists}.
     *
     * @param name null for a generated one
     * @param input null for {@code {}}
     */
    public synchronized ExecutionRecord startExecution(String stateMachineArn, String name, String input) {
        StateMachineRecord machine = stateMachine(stateMachineArn);
        String executionName = name == null ? UUID.randomUUID().toString() : name;
        requireName(executionName);
        String json = input == null ? "{}" : input;
        if (json.getBytes(StandardCharsets.UTF_8).length > MAX_INPUT_BYTES) {
            throw AwsApiException.validation("1 validation error detected: Value at 'input' failed to satisfy"
                    + " constraint: Member must have length less than or equal to " + MAX_INPUT_BYTES);
        }
        JsonNode parsed = parseInput(json);
        String arn = identity.executionArn(machine.name(), executionName);
        ExecutionRecord existing = executions.get(arn);
        if (existing != null) {
            if (existing.status() == ExecutionStatus.RUNNING && existing.input().equals(json)) {
                return existing;
            }
            throw new AwsApiException(400, "ExecutionAlreadyExists", "Execution Already Exists: '" + arn + "'");
        }
        ExecutionRecord started = ExecutionRecord.started(arn, machine, executionName, json, Instant.now());
        store.save(started);
        executions.put(arn, started);
        ExecutionHistory history = ExecutionHistory.create(store.historyFile(started));
        histories.put(arn, history);
        ObjectNode details = Json.object();
        details.put("input", json);
        details.putObject("inputDetails").put("truncated", false);
        details.put("roleArn", machine.roleArn());
        history.append("ExecutionStarted", details);
        launch(started, parsed, null);
        return started;
    }

    public synchronized ExecutionRecord execution(String arn) {
        requireArn(arn, ":execution:");
        ExecutionRecord e = executions.get(arn);
        if (e == null) {
            throw new AwsApiException(400, "ExecutionDoesNotExist", "Execution Does Not Exist: '" + arn + "'");
        }
        return e;
    }

    /** Newest first, as ListExecutions returns them. */
    public synchronized List<ExecutionRecord> executions(String stateMachineArn, ExecutionStatus status) {
        stateMachine(stateMachineArn);
        return executions.values().stream()
                .filter(e -> e.stateMachineArn().equals(stateMachineArn))
                .filter(e -> status == null || e.status() == status)
                .sorted(Comparator.comparing(ExecutionRecord::startDate).reversed()
                        .thenComparing(ExecutionRecord::name))
                .toList();
    }

    /** The events so far, oldest first. */
    public List<ObjectNode> history(String executionArn) {
        ExecutionHistory history;
        synchronized (this) {
            execution(executionArn);
            history = histories.get(executionArn);
        }
        return history.events();
    }

    /** Aborts a running execution and interrupts its thread; a finished one is returned as it is. */
    public synchronized ExecutionRecord stopExecution(String arn, String error, String cause) {
        ExecutionRecord current = execution(arn);
        if (current.status() != ExecutionStatus.RUNNING) {
            return current;
        }
        ExecutionRecord aborted = current.ended(ExecutionStatus.ABORTED, Instant.now(), null, error, cause,
                current.resume());
        histories.get(arn).endRun("ExecutionAborted", failure(error, cause));
        save(aborted);
        Thread thread = running.remove(arn);
        if (thread != null) {
            thread.interrupt();
        }
        return aborted;
    }

    /**
     * Runs a FAILED, TIMED_OUT or ABORTED execution again from where it stopped, with the definition
     * and input it had; within {@link #REDRIVE_PERIOD} of its stop.
     */
    public synchronized ExecutionRecord redriveExecution(String arn) {
        ExecutionRecord current = execution(arn);
        String notRedrivable = redriveStatusReason(current);
        if (notRedrivable != null) {
            throw new AwsApiException(400, "ExecutionNotRedrivable", notRedrivable);
        }
        ExecutionRecord redriven = current.redriven(Instant.now());
        save(redriven);
        ObjectNode details = Json.object().put("redriveCount", redriven.redriveCount());
        histories.get(arn).append("ExecutionRedriven", details);
        launch(redriven, Json.parse(redriven.input()), current.resume());
        return redriven;
    }

    /** Why {@code RedriveExecution} would refuse the execution now, or null when it would not. */
    public synchronized String redriveStatusReason(ExecutionRecord e) {
        if (!e.status().redrivable()) {
            return "Execution is " + e.status() + " and cannot be redriven.";
        }
        if (machines.values().stream().noneMatch(m -> m.arn().equals(e.stateMachineArn()))) {
            return "State machine is in DELETING status.";
        }
        if (e.stopDate().plus(REDRIVE_PERIOD).isBefore(Instant.now())) {
            return "Execution redrivable period exceeded.";
        }
        return null;
    }

    /**
     * Waits until the execution is no longer RUNNING, up to {@code patience}.
     *
     * @return the execution as it is then: still RUNNING if the wait ran out
     */
    public synchronized ExecutionRecord awaitCompletion(String arn, Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        ExecutionRecord e = execution(arn);
        while (e.status() == ExecutionStatus.RUNNING) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            wait(Math.max(1, left / 1_000_000));
            e = execution(arn);
        }
        return e;
    }

    private void launch(ExecutionRecord e, JsonNode input, ResumePoint resume) {
        String machineName = e.stateMachineArn().substring(e.stateMachineArn().lastIndexOf(':') + 1);
        ExecutionStart start = new ExecutionStart(e.executionArn(), e.name(), e.stateMachineArn(), machineName,
                e.roleArn(), input, e.startDate(), e.redriveCount(), resume);
        HistorySink sink = histories.get(e.executionArn()).beginRun();
        Thread thread = Thread.ofVirtual().name("sfn-" + machineName + "-" + e.name()).unstarted(
                () -> finish(e.executionArn(), e.redriveCount(), run(e.definition(), start, sink)));
        running.put(e.executionArn(), thread);
        thread.start();
    }

    private ExecutionResult run(String definition, ExecutionStart start, HistorySink sink) {
        try {
            return engine.run(definition, start, sink);
        } catch (RuntimeException e) {
            // The engine itself broke: the execution fails, and a redrive retries where this run began.
            return new ExecutionResult.Failed("States.Runtime", String.valueOf(e.getMessage()), start.resume());
        }
    }

    private synchronized void finish(String arn, int redriveCount, ExecutionResult result) {
        running.remove(arn, Thread.currentThread());
        ExecutionRecord current = executions.get(arn);
        // Closing: the run was cut short and stays RUNNING on disk, for the next start to fail it.
        // Stopped, or redriven since: this run's outcome no longer counts.
        if (closed || current.status() != ExecutionStatus.RUNNING || current.redriveCount() != redriveCount) {
            return;
        }
        ExecutionHistory history = histories.get(arn);
        Instant now = Instant.now();
        ExecutionRecord ended = switch (result) {
            case ExecutionResult.Succeeded s -> {
                String output = Json.write(s.output());
                ObjectNode details = Json.object().put("output", output);
                details.putObject("outputDetails").put("truncated", false);
                history.endRun("ExecutionSucceeded", details);
                yield current.ended(ExecutionStatus.SUCCEEDED, now, output, null, null, null);
            }
            case ExecutionResult.Failed f -> {
                history.endRun("ExecutionFailed", failure(f.error(), f.cause()));
                yield current.ended(ExecutionStatus.FAILED, now, null, f.error(), f.cause(), f.redriveFrom());
            }
            case ExecutionResult.TimedOut t -> {
                history.endRun("ExecutionTimedOut", failure(t.error(), t.cause()));
                yield current.ended(ExecutionStatus.TIMED_OUT, now, null, t.error(), t.cause(), t.redriveFrom());
            }
            case ExecutionResult.Aborted a -> {
                // Interrupted without StopExecution (which would have ended the run already).
                history.endRun("ExecutionAborted", null);
                yield current.ended(ExecutionStatus.ABORTED, now, null, null, null, current.resume());
            }
        };
        save(ended);
    }

    /** Stores and publishes a new state of an execution, waking {@link #awaitCompletion} callers. */
    private void save(ExecutionRecord e) {
        store.save(e);
        executions.put(e.executionArn(), e);
        notifyAll();
    }

    private void validate(String definition) {
        try {
            engine.validate(definition);
        } catch (InvalidDefinitionException e) {
            throw new AwsApiException(400, "InvalidDefinition", "Invalid State Machine Definition: '"
                    + e.getMessage() + "'");
        }
    }

    private static JsonNode parseInput(String json) {
        try {
            return Json.parse(json);
        } catch (IllegalArgumentException e) {
            throw new AwsApiException(400, "InvalidExecutionInput", "Invalid State Machine Execution Input: '"
                    + e.getMessage() + "'");
        }
    }

    private static ObjectNode failure(String error, String cause) {
        ObjectNode details = Json.object();
        if (error != null) {
            details.put("error", error);
        }
        if (cause != null) {
            details.put("cause", cause);
        }
        return details;
    }

    private static void required(String field, String value) {
        if (value == null) {
            throw AwsApiException.validation("1 validation error detected: Value null at '" + field
                    + "' failed to satisfy constraint: Member must not be null");
        }
    }

    private static void requireName(String name) {
        if (!NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw new AwsApiException(400, "InvalidName", "Invalid Name: '" + name + "'");
        }
    }

    private void requireArn(String arn, String resourceType) {
        required("arn", arn);
        if (!arn.startsWith("arn:aws:states:" + identity.region() + ":" + identity.accountId() + resourceType)) {
            throw new AwsApiException(400, "InvalidArn", "Invalid Arn: '" + arn + "'");
        }
    }

    /** Waits up to {@code patience} for the running executions to end on their own; new ones may still start. */
    public void drain(Duration patience) {
        List<Thread> threads;
        synchronized (this) {
            threads = new ArrayList<>(running.values());
        }
        long deadline = System.nanoTime() + patience.toNanos();
        try {
            for (Thread t : threads) {
                t.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Interrupts the running executions and waits briefly for their threads. They stay RUNNING on
     * disk: the next {@link #open} fails them, as it would after a crash.
     */
    @Override
    public void close() {
        List<Thread> threads;
        synchronized (this) {
            closed = true;
            running.keySet().forEach(arn -> histories.get(arn).abandonRun());
            threads = new ArrayList<>(running.values());
            running.clear();
        }
        threads.forEach(Thread::interrupt);
        long deadline = System.nanoTime() + STOP_PATIENCE.toNanos();
        try {
            for (Thread t : threads) {
                t.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
