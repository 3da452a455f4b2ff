package dev.sluice.local.stepfunctions.asl;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.local.stepfunctions.asl.ChoiceRule.Operator;
import dev.sluice.local.stepfunctions.asl.State.Catcher;
import dev.sluice.local.stepfunctions.asl.State.Graph;
import dev.sluice.local.stepfunctions.asl.State.Recovery;
import dev.sluice.local.stepfunctions.asl.State.Retrier;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Builds the state model from a definition, refusing anything it does not fully support. */
final class DefinitionParser {

    static final String LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke";
    private static final Pattern LAMBDA_ARN =
            Pattern.compile("arn:aws[a-z-]*:lambda:[a-z0-9-]+:\\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]{1,128})?");
    private static final Set<String> IO = Set.of("Type", "Comment", "QueryLanguage", "InputPath", "OutputPath");
    private static final Set<String> FLOW = Set.of("Next", "End");
    private static final Set<String> RESULT = Set.of("ResultPath", "ResultSelector", "Retry", "Catch");
    /** The most TimeoutSeconds, HeartbeatSeconds and a Wait's Seconds take, written or read by a Path. */
    static final int MAX_SECONDS = 99_999_999;

    private final Set<String> names = new HashSet<>();

    static StateMachineDefinition parse(JsonNode root) {
        Fields machine = new Fields("State machine", "", root);
        if (!root.isObject()) {
            throw machine.invalid("States", "the definition must be a JSON object");
        }
        machine.only(Set.of("Comment", "StartAt", "States", "Version", "TimeoutSeconds", "QueryLanguage"));
        queryLanguage(machine);
        Integer timeout = machine.integer("TimeoutSeconds", 1, MAX_SECONDS);
        return new StateMachineDefinition(new DefinitionParser().graph(machine), timeout);
    }

    private Graph graph(Fields owner) {
        String startAt = owner.requiredText("StartAt");
        JsonNode states = owner.get("States");
        if (states == null || !states.isObject() || states.isEmpty()) {
            throw owner.invalid("States", "must be a non-empty object");
        }
        Map<String, State> parsed = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : states.properties()) {
            if (!names.add(entry.getKey())) {
                throw owner.invalid("States", "state name \"" + entry.getKey() + "\" is used twice");
            }
            if (!entry.getValue().isObject()) {
                throw owner.invalid("States." + entry.getKey(), "must be an object");
            }
            parsed.put(entry.getKey(), state(entry.getKey(), Fields.state(entry.getKey(), entry.getValue())));
        }
        if (!parsed.containsKey(startAt)) {
            throw owner.invalid("StartAt", "state \"" + startAt + "\" does not exist");
        }
        for (State state : parsed.values()) {
            checkTransitions(state, parsed.keySet());
        }
        return new Graph(startAt, Map.copyOf(parsed));
    }

    private static void checkTransitions(State state, Set<String> names) {
        Fields f = Fields.state(state.name(), null);
        Map<String, String> targets = new LinkedHashMap<>();
        switch (state) {
            case State.Pass s -> targets.put("Next", s.next());
            case State.Task s -> targets.put("Next", s.next());
            case State.Wait s -> targets.put("Next", s.next());
            case State.Parallel s -> targets.put("Next", s.next());
            case State.Map s -> targets.put("Next", s.next());
            case State.Choice s -> {
                for (int i = 0; i < s.choices().size(); i++) {
                    targets.put("Choices[" + i + "].Next", s.choices().get(i).next());
                }
                targets.put("Default", s.defaultNext());
            }
            case State.Succeed s -> { }
            case State.Fail s -> { }
        }
        Recovery recovery = state instanceof State.Task t ? t.recovery()
                : state instanceof State.Parallel p ? p.recovery()
                : state instanceof State.Map m ? m.recovery() : null;
        if (recovery != null) {
            for (int i = 0; i < recovery.catchers().size(); i++) {
                targets.put("Catch[" + i + "].Next", recovery.catchers().get(i).next());
            }
        }
        targets.forEach((field, target) -> {
            if (target != null && !names.contains(target)) {
                throw f.invalid(field, "state \"" + target + "\" does not exist");
            }
        });
    }

    private State state(String name, Fields f) {
        String type = f.requiredText("Type");
        queryLanguage(f);
        return switch (type) {
            case "Pass" -> {
                f.only(union(IO, FLOW, Set.of("Parameters", "ResultPath", "Result")));
                yield new State.Pass(name, next(f), io(f, true), f.get("Result"));
            }
            case "Task" -> task(name, f);
            case "Choice" -> choice(name, f);
            case "Wait" -> {
                f.only(union(IO, FLOW, Set.of("Seconds", "SecondsPath", "Timestamp", "TimestampPath")));
                f.exclusive("Seconds", "SecondsPath", "Timestamp", "TimestampPath");
                if (!f.has("Seconds") && !f.has("SecondsPath") && !f.has("Timestamp") && !f.has("TimestampPath")) {
                    throw f.invalid("Seconds", "one of Seconds, SecondsPath, Timestamp or TimestampPath is required");
                }
                Integer seconds = f.integer("Seconds", 0, MAX_SECONDS);
                yield new State.Wait(name, next(f), io(f, false), seconds == null ? null : seconds.longValue(),
                        f.referencePath("SecondsPath"), timestamp(f, "Timestamp"), f.referencePath("TimestampPath"));
            }
            case "Succeed" -> {
                f.only(IO);
                yield new State.Succeed(name, io(f, false));
            }
            case "Fail" -> {
                f.only(Set.of("Type", "Comment", "QueryLanguage", "Error", "ErrorPath", "Cause", "CausePath"));
                f.exclusive("Error", "ErrorPath");
                f.exclusive("Cause", "CausePath");
                yield new State.Fail(name, f.text("Error"), f.expression("ErrorPath"), f.text("Cause"),
                        f.expression("CausePath"));
            }
            case "Parallel" -> {
                f.only(union(IO, FLOW, RESULT, Set.of("Parameters", "Branches")));
                List<Graph> branches = new ArrayList<>();
                for (Fields branch : f.objects("Branches")) {
                    branch.only(Set.of("StartAt", "States", "Comment"));
                    branches.add(graph(branch));
                }
                yield new State.Parallel(name, next(f), io(f, true), List.copyOf(branches), recovery(f));
            }
            case "Map" -> map(name, f);
            default -> throw f.invalid("Type", type + " is not a state type");
        };
    }

    private State task(String name, Fields f) {
        f.only(union(IO, FLOW, RESULT, Set.of("Parameters", "Resource", "TimeoutSeconds", "TimeoutSecondsPath",
                "HeartbeatSeconds", "HeartbeatSecondsPath")));
        String resource = f.requiredText("Resource");
        if (!resource.equals(LAMBDA_INVOKE) && !LAMBDA_ARN.matcher(resource).matches()) {
            throw f.invalid("Resource", resource + " is not supported");
        }
        f.exclusive("TimeoutSeconds", "TimeoutSecondsPath");
        f.exclusive("HeartbeatSeconds", "HeartbeatSecondsPath");
        Integer timeout = f.integer("TimeoutSeconds", 1, MAX_SECONDS);
        Integer heartbeat = f.integer("HeartbeatSeconds", 1, MAX_SECONDS);
        if (heartbeat != null && !f.has("TimeoutSecondsPath")
                && heartbeat >= (timeout == null ? Interpreter.DEFAULT_TASK_TIMEOUT_SECONDS : timeout)) {
            throw f.invalid("HeartbeatSeconds", "must be smaller than TimeoutSeconds");
        }
        return new State.Task(name, next(f), io(f, true), resource, timeout, f.referencePath("TimeoutSecondsPath"),
                f.referencePath("HeartbeatSecondsPath"), recovery(f));
    }

    private State choice(String name, Fields f) {
        f.only(union(IO, Set.of("Choices", "Default")));
        List<ChoiceRule.Branch> branches = new ArrayList<>();
        for (Fields rule : f.objects("Choices")) {
            String next = rule.requiredText("Next");
            branches.add(new ChoiceRule.Branch(rule(rule, true), next));
        }
        return new State.Choice(name, io(f, false), List.copyOf(branches), f.text("Default"));
    }

    private static ChoiceRule rule(Fields f, boolean topLevel) {
        Set<String> fields = new HashSet<>();
        f.node().fieldNames().forEachRemaining(fields::add);
        fields.remove("Comment");
        if (topLevel) {
            fields.remove("Next");
        } else if (f.has("Next")) {
            throw f.invalid("Next", "is only allowed on top-level Choice rules");
        }
        if (fields.size() == 2 && fields.remove("Variable")) {
            String variable = f.path("Variable");
            String field = fields.iterator().next();
            boolean pathForm = field.endsWith("Path");
            Operator operator = Operator.byField(pathForm ? field.substring(0, field.length() - 4) : field)
                    .filter(op -> !pathForm || op.hasPathForm())
                    .orElseThrow(() -> f.invalid(field, "is not a comparison operator"));
            if (pathForm) {
                return new ChoiceRule.Comparison(variable, operator, null, f.path(field));
            }
            if (!operator.acceptsOperand(f.get(field))) {
                throw f.invalid(field, "has a value of the wrong type for " + field);
            }
            return new ChoiceRule.Comparison(variable, operator, f.get(field), null);
        }
        if (fields.size() == 1 && (f.has("And") || f.has("Or"))) {
            String field = f.has("And") ? "And" : "Or";
            List<ChoiceRule> rules = f.objects(field).stream().map(nested -> rule(nested, false)).toList();
            return field.equals("And") ? new ChoiceRule.And(rules) : new ChoiceRule.Or(rules);
        }
        if (fields.size() == 1 && f.has("Not")) {
            return new ChoiceRule.Not(rule(f.object("Not"), false));
        }
        throw f.invalid("Variable", "a Choice rule needs Variable and exactly one comparison operator, or one of And, Or, Not");
    }

    private State map(String name, Fields f) {
        f.only(union(IO, FLOW, RESULT, Set.of("Parameters", "ItemSelector", "ItemsPath", "ItemProcessor", "Iterator",
                "MaxConcurrency", "MaxConcurrencyPath", "ToleratedFailurePercentage",
                "ToleratedFailurePercentagePath", "ToleratedFailureCount", "ToleratedFailureCountPath")));
        f.exclusive("ItemSelector", "Parameters");
        f.exclusive("ItemProcessor", "Iterator");
        f.exclusive("MaxConcurrency", "MaxConcurrencyPath");
        f.exclusive("ToleratedFailurePercentage", "ToleratedFailurePercentagePath");
        f.exclusive("ToleratedFailureCount", "ToleratedFailureCountPath");
        Fields processor = f.object(f.has("Iterator") ? "Iterator" : "ItemProcessor");
        processor.only(Set.of("StartAt", "States", "Comment", "ProcessorConfig"));
        if (processor.has("ProcessorConfig")) {
            Fields config = processor.object("ProcessorConfig");
            config.only(Set.of("Mode"));
            String mode = config.text("Mode");
            if (mode != null && !mode.equals("INLINE")) {
                throw config.invalid("Mode", mode + " is not supported");
            }
        }
        Double percentage = f.number("ToleratedFailurePercentage");
        if (percentage != null && (percentage < 0 || percentage > 100)) {
            throw f.invalid("ToleratedFailurePercentage", "must be from 0 to 100");
        }
        JsonNode selector = f.template(f.has("Parameters") ? "Parameters" : "ItemSelector");
        return new State.Map(name, next(f), io(f, false), f.has("ItemsPath") ? f.referencePath("ItemsPath") : "$",
                selector, graph(processor), f.integer("MaxConcurrency", 0, Integer.MAX_VALUE),
                f.referencePath("MaxConcurrencyPath"), percentage, f.referencePath("ToleratedFailurePercentagePath"),
                f.integer("ToleratedFailureCount", 0, Integer.MAX_VALUE), f.referencePath("ToleratedFailureCountPath"),
                recovery(f));
    }

    private static Recovery recovery(Fields f) {
        List<Retrier> retriers = new ArrayList<>();
        if (f.has("Retry")) {
            List<Fields> items = f.objects("Retry");
            for (int i = 0; i < items.size(); i++) {
                Fields r = items.get(i);
                r.only(Set.of("ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate", "MaxDelaySeconds",
                        "JitterStrategy", "Comment"));
                Double backoff = r.number("BackoffRate");
                if (backoff != null && backoff < 1.0) {
                    throw r.invalid("BackoffRate", "must be >= 1.0");
                }
                String jitter = r.text("JitterStrategy");
                if (jitter != null && !jitter.equals("FULL") && !jitter.equals("NONE")) {
                    throw r.invalid("JitterStrategy", "must be FULL or NONE");
                }
                Integer interval = r.integer("IntervalSeconds", 1, MAX_SECONDS);
                Integer attempts = r.integer("MaxAttempts", 0, MAX_SECONDS);
                retriers.add(new Retrier(errorEquals(r, i == items.size() - 1), interval == null ? 1 : interval,
                        attempts == null ? 3 : attempts, backoff == null ? 2.0 : backoff,
                        r.integer("MaxDelaySeconds", 1, 31_622_400), "FULL".equals(jitter)));
            }
        }
        List<Catcher> catchers = new ArrayList<>();
        if (f.has("Catch")) {
            List<Fields> items = f.objects("Catch");
            for (int i = 0; i < items.size(); i++) {
                Fields c = items.get(i);
                c.only(Set.of("ErrorEquals", "Next", "ResultPath", "Comment"));
                catchers.add(new Catcher(errorEquals(c, i == items.size() - 1), c.requiredText("Next"),
                        resultPath(c)));
            }
        }
        return new Recovery(List.copyOf(retriers), List.copyOf(catchers));
    }

    private static List<String> errorEquals(Fields f, boolean last) {
        List<String> errors = f.strings("ErrorEquals");
        if (errors.contains(StatesError.ALL) && (errors.size() > 1 || !last)) {
            throw f.invalid("ErrorEquals", "States.ALL must appear alone and in the last retrier or catcher");
        }
        return List.copyOf(errors);
    }

    private static Io io(Fields f, boolean parameters) {
        return new Io(f.nullablePath("InputPath"), parameters ? f.template("Parameters") : null,
                f.template("ResultSelector"), resultPath(f), f.nullablePath("OutputPath"));
    }

    private static ReferencePath resultPath(Fields f) {
        if (!f.has("ResultPath")) {
            return Io.ROOT;
        }
        if (f.get("ResultPath").isNull()) {
            return null;
        }
        String text = f.text("ResultPath");
        if (text.startsWith("$$")) {
            throw f.invalid("ResultPath", "cannot write into the context object");
        }
        try {
            return ReferencePath.parse(text);
        } catch (IllegalArgumentException e) {
            throw f.invalid("ResultPath", e.getMessage());
        }
    }

    private static String next(Fields f) {
        boolean end = f.has("End") && f.get("End").asBoolean();
        if (f.has("End") && !f.get("End").isBoolean()) {
            throw f.invalid("End", "must be a boolean");
        }
        String next = f.text("Next");
        if (end && next != null) {
            throw f.invalid("Next", "cannot be used together with \"End\"");
        }
        if (!end && next == null) {
            throw f.invalid("Next", "is required unless \"End\" is true");
        }
        return next;
    }

    private static Instant timestamp(Fields f, String field) {
        JsonNode value = f.get(field);
        if (value == null) {
            return null;
        }
        return ChoiceRule.timestamp(value)
                .orElseThrow(() -> f.invalid(field, "must be an RFC 3339 timestamp such as 2026-03-14T01:59:00Z"));
    }

    private static void queryLanguage(Fields f) {
        String language = f.text("QueryLanguage");
        if (language != null && !language.equals("JSONPath")) {
            throw f.invalid("QueryLanguage", language + " is not supported");
        }
    }

    @SafeVarargs
    private static Set<String> union(Set<String>... sets) {
        Set<String> all = new HashSet<>();
        for (Set<String> set : sets) {
            all.addAll(set);
        }
        return all;
    }
}
