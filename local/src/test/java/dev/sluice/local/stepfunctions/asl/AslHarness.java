package dev.sluice.local.stepfunctions.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.json.Json;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A scripted TaskInvoker, an in-memory history and a sleeper that records instead of sleeping. */
final class AslHarness {

    static final String FN = "arn:aws:lambda:eu-west-1:123456789012:function:";
    static final Instant NOW = Instant.parse("2026-03-14T01:00:00Z");

    /** One scripted Lambda function. */
    @FunctionalInterface
    interface Fn {
        JsonNode apply(JsonNode input) throws TaskFailure, InterruptedException;
    }

    record Event(String type, ObjectNode details) {
        String detail(String field) {
            return details.get(field).asText();
        }
    }

    final Map<String, Fn> functions = new ConcurrentHashMap<>();
    final List<Event> history = new CopyOnWriteArrayList<>();
    final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    final Interpreter interpreter = new Interpreter(
            (resource, input) -> {
                Fn fn = functions.get(resource);
                if (fn == null) {
                    throw new TaskFailure("Lambda.ResourceNotFoundException", resource);
                }
                return fn.apply(input);
            },
            sleeps::add, Clock.fixed(NOW, ZoneOffset.UTC));

    AslHarness fn(String name, Fn fn) {
        functions.put(name.startsWith("arn:") ? name : FN + name, fn);
        return this;
    }

    ExecutionResult run(String definition, String input) {
        return run(StateMachineDefinition.parse(definition), input, null, 0);
    }

    ExecutionResult run(StateMachineDefinition definition, String input, ResumePoint resume, int redriveCount) {
        ExecutionStart start = new ExecutionStart(
                "arn:aws:states:eu-west-1:123456789012:execution:Machine:exec-1", "exec-1",
                "arn:aws:states:eu-west-1:123456789012:stateMachine:Machine", "Machine",
                "arn:aws:iam::123456789012:role/sfn", Json.parse(input), NOW, redriveCount, resume);
        return interpreter.run(definition, start, (type, details) -> {
            history.add(new Event(type, details));
            return history.size();
        });
    }

    /** The output of a run expected to succeed. */
    JsonNode output(String definition, String input) {
        ExecutionResult result = run(definition, input);
        if (!(result instanceof ExecutionResult.Succeeded succeeded)) {
            throw new AssertionError("expected success, got " + result);
        }
        return succeeded.output();
    }

    List<String> types() {
        return history.stream().map(Event::type).toList();
    }

    List<Event> events(String type) {
        return history.stream().filter(e -> e.type().equals(type)).toList();
    }

    static JsonNode json(String text) {
        return Json.parse(text);
    }

    /** A one-state machine around the given state's JSON (named "S"). */
    static String single(String state) {
        return "{\"StartAt\":\"S\",\"States\":{\"S\":" + state + "}}";
    }
}
