package dev.sluice.local.stepfunctions.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.json.Json;
import dev.sluice.local.stepfunctions.asl.State.Graph;
import dev.sluice.local.stepfunctions.asl.State.Recovery;
import dev.sluice.local.stepfunctions.asl.State.Retrier;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/** One run of a definition: the state loop, each state's semantics, Retry and Catch. */
final class Execution {

    private record Step(String next, JsonNode output) {
    }

    /** The part of a Task, Parallel or Map that Retry repeats; returns the selected result. */
    private interface Attempt {
        JsonNode run(ObjectNode context) throws InterruptedException;
    }

    private final StateMachineDefinition definition;
    private final ExecutionStart start;
    private final Events events;
    private final TaskInvoker tasks;
    private final Sleeper sleeper;
    private final Clock clock;
    private final ContextObject context;
    private final AtomicReference<ResumePoint> current = new AtomicReference<>();

    Execution(StateMachineDefinition definition, ExecutionStart start, Events events, TaskInvoker tasks,
            Sleeper sleeper, Clock clock) {
        this.definition = definition;
        this.start = start;
        this.events = events;
        this.tasks = tasks;
        this.sleeper = sleeper;
        this.clock = clock;
        this.context = new ContextObject(start);
    }

    /** The states run on a child thread so the caller can enforce the execution's TimeoutSeconds. */
    ExecutionResult run() {
        Graph graph = definition.graph();
        ResumePoint resume = start.resume();
        String from = resume == null ? graph.startAt() : resume.stateName();
        JsonNode input = resume == null ? start.input() : resume.input();
        if (!graph.states().containsKey(from)) {
            return failed(StatesError.runtime("Cannot redrive from \"" + from + "\": not a top-level state"));
        }
        CompletableFuture<JsonNode> outcome = new CompletableFuture<>();
        Thread body = Thread.ofVirtual().name("sfn-" + start.executionName()).start(() -> {
            try {
                outcome.complete(runGraph(graph, from, input, true));
            } catch (Throwable e) {
                outcome.completeExceptionally(e);
            }
        });
        try {
            Integer timeout = definition.timeoutSeconds();
            JsonNode output = timeout == null ? outcome.get() : outcome.get(timeout, TimeUnit.SECONDS);
            return new ExecutionResult.Succeeded(output);
        } catch (TimeoutException e) {
            stop(body);
            String cause = "The execution ran longer than its TimeoutSeconds of " + definition.timeoutSeconds() + ".";
            return new ExecutionResult.TimedOut(StatesError.TIMEOUT, cause, current.get());
        } catch (InterruptedException e) {
            stop(body);
            return new ExecutionResult.Aborted();
        } catch (ExecutionException e) {
            return switch (e.getCause()) {
                case StatesError error -> failed(error);
                case InterruptedException interrupted -> new ExecutionResult.Aborted();
                default -> failed(StatesError.runtime(String.valueOf(e.getCause())));
            };
        }
    }

    private ExecutionResult failed(StatesError error) {
        return new ExecutionResult.Failed(error.error(), error.cause(), current.get());
    }

    private static void stop(Thread body) {
        body.interrupt();
        while (true) {
            try {
                body.join();
                return;
            } catch (InterruptedException e) {
                // already stopping: wait for the states to unwind so no event follows the end
            }
        }
    }

    private JsonNode runGraph(Graph graph, String from, JsonNode input, boolean topLevel) throws InterruptedException {
        String name = from;
        JsonNode stateInput = input;
        while (true) {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            State state = graph.states().get(name);
            if (topLevel) {
                current.set(new ResumePoint(name, stateInput));
            }
            Step step = runState(state, stateInput);
            if (step.next() == null) {
                return step.output();
            }
            name = step.next();
            stateInput = step.output();
        }
    }

    private Step runState(State state, JsonNode raw) throws InterruptedException {
        Instant entered = clock.instant();
        events.append(state.kind() + "StateEntered", "name", state.name(), "input", raw);
        ObjectNode plain = context.forState(state.name(), entered, 0);
        Step step = switch (state) {
            case State.Pass s -> pass(s, raw, plain);
            case State.Choice s -> choice(s, raw, plain);
            case State.Wait s -> waitState(s, raw, plain);
            case State.Succeed s -> new Step(null, passThrough(s.name(), s.io(), raw, plain));
            case State.Fail s -> throw fail(s, raw, plain);
            case State.Task s -> recovering(s, s.io(), s.recovery(), s.next(), raw, entered, c -> task(s, raw, c));
            case State.Parallel s -> recovering(s, s.io(), s.recovery(), s.next(), raw, entered, c -> parallel(s, raw, c));
            case State.Map s -> recovering(s, s.io(), s.recovery(), s.next(), raw, entered, c -> map(s, raw, c));
        };
        events.append(state.kind() + "StateExited", "name", state.name(), "output", step.output());
        return step;
    }

    private Step pass(State.Pass s, JsonNode raw, ObjectNode ctx) {
        JsonNode effective = DataFlow.effectiveInput(s.name(), s.io(), raw, ctx);
        JsonNode result = s.result() != null ? s.result() : effective;
        return new Step(s.next(), DataFlow.output(s.name(), s.io(), raw, result, ctx));
    }

    /** Choice, Wait and Succeed have only InputPath and OutputPath. */
    private static JsonNode passThrough(String name, Io io, JsonNode raw, ObjectNode ctx) {
        JsonNode input = DataFlow.inputPath(io, raw, ctx);
        return DataFlow.output(name, io, input, input, ctx);
    }

    private Step choice(State.Choice s, JsonNode raw, ObjectNode ctx) {
        JsonNode input = DataFlow.inputPath(s.io(), raw, ctx);
        String next = s.choices().stream().filter(branch -> branch.rule().test(input, ctx)).findFirst()
                .map(ChoiceRule.Branch::next).orElse(s.defaultNext());
        if (next == null) {
            throw new StatesError(StatesError.NO_CHOICE, "No Choice rule of state '" + s.name() + "' matched.");
        }
        return new Step(next, passThrough(s.name(), s.io(), raw, ctx));
    }

    private Step waitState(State.Wait s, JsonNode raw, ObjectNode ctx) throws InterruptedException {
        JsonNode input = DataFlow.inputPath(s.io(), raw, ctx);
        Duration wait;
        if (s.seconds() != null || s.secondsPath() != null) {
            long seconds = s.seconds() != null ? s.seconds()
                    : PathSettings.integer("SecondsPath", s.secondsPath(), input, ctx, 0, DefinitionParser.MAX_SECONDS);
            wait = Duration.ofSeconds(seconds);
        } else {
            Instant until = s.timestamp() != null ? s.timestamp()
                    : ChoiceRule.timestamp(JsonPaths.read(s.timestampPath(), input, ctx)).orElseThrow(() ->
                            StatesError.runtime("TimestampPath '" + s.timestampPath() + "' is not a timestamp"));
            wait = Duration.between(clock.instant(), until);
        }
        if (wait.isPositive()) {
            sleeper.sleep(wait);
        }
        return new Step(s.next(), passThrough(s.name(), s.io(), raw, ctx));
    }

    private static StatesError fail(State.Fail s, JsonNode raw, ObjectNode ctx) {
        String error = s.errorPath() == null ? s.error() : text(s.errorPath(), raw, ctx);
        String cause = s.causePath() == null ? s.cause() : text(s.causePath(), raw, ctx);
        return new StatesError(error, cause);
    }

    private static String text(String expression, JsonNode input, ObjectNode ctx) {
        JsonNode value = PayloadTemplate.evaluateExpression(expression, input, ctx);
        if (!value.isTextual()) {
            throw StatesError.runtime("'" + expression + "' is not a string");
        }
        return value.asText();
    }

    private Step recovering(State state, Io io, Recovery recovery, String next, JsonNode raw, Instant entered,
            Attempt attempt) throws InterruptedException {
        List<Retrier> retriers = recovery.retriers();
        int[] retries = new int[retriers.size()];
        int retryCount = 0;
        while (true) {
            ObjectNode ctx = context.forState(state.name(), entered, retryCount);
            try {
                JsonNode result = attempt.run(ctx);
                return new Step(next, DataFlow.output(state.name(), io, raw, result, ctx));
            } catch (StatesError e) {
                // the first retrier that matches decides, even when its attempts are used up
                int match = 0;
                while (match < retriers.size() && !e.matches(retriers.get(match).errorEquals())) {
                    match++;
                }
                if (match < retriers.size() && retries[match] < retriers.get(match).maxAttempts()) {
                    sleeper.sleep(delay(retriers.get(match), retries[match]++));
                    retryCount++;
                    continue;
                }
                for (State.Catcher catcher : recovery.catchers()) {
                    if (e.matches(catcher.errorEquals())) {
                        ObjectNode error = Json.object().put("Error", e.error()).put("Cause", e.cause());
                        JsonNode output = catcher.resultPath() == null ? raw : catcher.resultPath().set(raw, error);
                        return new Step(catcher.next(), DataFlow.limited(state.name(), "output", output));
                    }
                }
                throw e;
            }
        }
    }

    /** IntervalSeconds × BackoffRate^retry, capped by MaxDelaySeconds; FULL jitter picks from [0, that). */
    static Duration delay(Retrier retrier, int retry) {
        double seconds = retrier.intervalSeconds() * Math.pow(retrier.backoffRate(), retry);
        if (retrier.maxDelaySeconds() != null) {
            seconds = Math.min(seconds, retrier.maxDelaySeconds());
        }
        if (retrier.fullJitter()) {
            seconds *= ThreadLocalRandom.current().nextDouble();
        }
        return Duration.ofMillis(Math.round(seconds * 1000));
    }

    private JsonNode task(State.Task t, JsonNode raw, ObjectNode ctx) throws InterruptedException {
        JsonNode input = DataFlow.effectiveInput(t.name(), t.io(), raw, ctx);
        JsonNode pathInput = DataFlow.inputPath(t.io(), raw, ctx);
        int timeout = t.timeoutSeconds() != null ? t.timeoutSeconds()
                : t.timeoutSecondsPath() == null ? Interpreter.DEFAULT_TASK_TIMEOUT_SECONDS
                : PathSettings.integer("TimeoutSecondsPath", t.timeoutSecondsPath(), pathInput, ctx, 1,
                        DefinitionParser.MAX_SECONDS);
        if (t.heartbeatSecondsPath() != null) {
            // Checked only: no supported resource sends heartbeats (see State.Task).
            PathSettings.integer("HeartbeatSecondsPath", t.heartbeatSecondsPath(), pathInput, ctx, 1,
                    DefinitionParser.MAX_SECONDS);
        }
        boolean invoke = t.resource().equals(DefinitionParser.LAMBDA_INVOKE);
        if (invoke) {
            events.append("TaskScheduled", "resourceType", "lambda", "resource", "invoke", "region", events.region(),
                    "parameters", input, "timeoutInSeconds", timeout);
            events.append("TaskStarted", "resourceType", "lambda", "resource", "invoke");
        } else {
            events.append("LambdaFunctionScheduled", "resource", t.resource(), "input", input,
                    "timeoutInSeconds", timeout);
            events.append("LambdaFunctionStarted");
        }
        JsonNode result;
        try {
            result = TaskCall.invoke(tasks, t.resource(), input, timeout);
        } catch (StatesError e) {
            boolean timedOut = e.error().equals(StatesError.TIMEOUT);
            if (invoke) {
                events.append(timedOut ? "TaskTimedOut" : "TaskFailed", "resourceType", "lambda", "resource", "invoke",
                        "error", e.error(), "cause", e.cause());
            } else {
                events.append(timedOut ? "LambdaFunctionTimedOut" : "LambdaFunctionFailed",
                        "error", e.error(), "cause", e.cause());
            }
            throw e;
        }
        if (invoke) {
            events.append("TaskSucceeded", "resourceType", "lambda", "resource", "invoke", "output", result);
        } else {
            events.append("LambdaFunctionSucceeded", "output", result);
        }
        return DataFlow.selectResult(t.io(), DataFlow.limited(t.name(), "result", result), ctx);
    }

    private JsonNode parallel(State.Parallel p, JsonNode raw, ObjectNode ctx) throws InterruptedException {
        JsonNode input = DataFlow.effectiveInput(p.name(), p.io(), raw, ctx);
        events.append("ParallelStateStarted");
        Fanout.Result run = Fanout.run(p.branches().size(), 0,
                i -> runGraph(p.branches().get(i), p.branches().get(i).startAt(), input, false),
                (failure, failures) -> true);
        if (run.stoppedBy() != null) {
            events.append("ParallelStateFailed");
            throw run.stoppedBy();
        }
        events.append("ParallelStateSucceeded");
        ArrayNode results = Json.MAPPER.createArrayNode();
        run.outcomes().forEach(outcome -> results.add(outcome.output()));
        return DataFlow.selectResult(p.io(), results, ctx);
    }

    private JsonNode map(State.Map m, JsonNode raw, ObjectNode ctx) throws InterruptedException {
        JsonNode input = DataFlow.inputPath(m.io(), raw, ctx);
        JsonNode items = JsonPaths.read(m.itemsPath(), input, ctx);
        if (!items.isArray()) {
            throw StatesError.runtime("ItemsPath '" + m.itemsPath() + "' of state '" + m.name() + "' is not an array");
        }
        int limit = m.maxConcurrency() != null ? m.maxConcurrency()
                : m.maxConcurrencyPath() == null ? 0
                : PathSettings.integer("MaxConcurrencyPath", m.maxConcurrencyPath(), input, ctx, 0, Integer.MAX_VALUE);
        Fanout.FailurePolicy policy = failurePolicy(m, items.size(), input, ctx);
        events.append("MapStateStarted", "length", items.size());
        Fanout.Result run = Fanout.run(items.size(), limit, i -> iteration(m, i, items.get(i), input, ctx), policy);
        StatesError stoppedBy = run.stoppedBy();
        if (stoppedBy != null) {
            events.append("MapStateFailed");
            throw m.toleratesFailures() && !stoppedBy.terminal()
                    ? new StatesError(StatesError.TOLERATED, "The tolerated failure threshold of state '" + m.name()
                            + "' was exceeded; last failure: " + stoppedBy.error())
                    : stoppedBy;
        }
        events.append("MapStateSucceeded");
        ArrayNode results = Json.MAPPER.createArrayNode();
        for (Fanout.Outcome outcome : run.outcomes()) {
            results.add(outcome.failure() == null ? outcome.output()
                    : Json.object().put("Error", outcome.failure().error()).put("Cause", outcome.failure().cause()));
        }
        return DataFlow.selectResult(m.io(), results, ctx);
    }

    private JsonNode iteration(State.Map m, int index, JsonNode item, JsonNode input, ObjectNode ctx)
            throws InterruptedException {
        events.append("MapIterationStarted", "name", m.name(), "index", index);
        try {
            JsonNode itemInput = m.itemSelector() == null ? item
                    : PayloadTemplate.evaluate(m.itemSelector(), input, ContextObject.forMapItem(ctx, index, item));
            JsonNode output = runGraph(m.processor(), m.processor().startAt(), itemInput, false);
            events.append("MapIterationSucceeded", "name", m.name(), "index", index);
            return output;
        } catch (StatesError e) {
            events.append("MapIterationFailed", "name", m.name(), "index", index);
            throw e;
        }
    }

    /** Without a tolerance the first failure fails the Map; with one, failures beyond it do. */
    private static Fanout.FailurePolicy failurePolicy(State.Map m, int size, JsonNode input, ObjectNode ctx) {
        if (!m.toleratesFailures()) {
            return (failure, failures) -> true;
        }
        long count = m.toleratedCount() != null ? m.toleratedCount()
                : m.toleratedCountPath() != null ? PathSettings.integer("ToleratedFailureCountPath",
                        m.toleratedCountPath(), input, ctx, 0, Integer.MAX_VALUE)
                : Long.MAX_VALUE;
        double percentage = m.toleratedPercentage() != null ? m.toleratedPercentage()
                : m.toleratedPercentagePath() != null ? PathSettings.percentage("ToleratedFailurePercentagePath",
                        m.toleratedPercentagePath(), input, ctx)
                : 100;
        return (failure, failures) -> failure.terminal() || failures > count || failures * 100.0 / size > percentage;
    }
}
