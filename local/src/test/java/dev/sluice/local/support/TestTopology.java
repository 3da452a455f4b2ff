package dev.sluice.local.support;

import dev.sluice.core.topology.BucketSpec;
import dev.sluice.core.topology.FunctionSpec;
import dev.sluice.core.topology.QueueSpec;
import dev.sluice.core.topology.RuleSpec;
import dev.sluice.core.topology.TargetSpec;
import dev.sluice.core.topology.Topology;
import java.util.List;

/**
 * A small topology with short timeouts, so redelivery and dead-lettering happen in seconds:
 * bus {@code test-bus} → rule {@code to-work} (source "test") → queue {@code work} (visibility 2 s,
 * DLQ after 3 receives) → function {@code scripted} ({@link ScriptedHandler}); the same again as
 * {@code noisy} → {@code scripted-noisy}.
 */
public final class TestTopology {

    public static final String BUS = "test-bus";
    public static final String QUEUE = "work";
    public static final String FUNCTION = "scripted";
    /** A second queue and function for messages that fail whole batches, away from the tests of {@code work}. */
    public static final String NOISY_QUEUE = "noisy";
    public static final String NOISY_FUNCTION = "scripted-noisy";
    /** Invoked directly by rule {@code to-function} (source "direct"), as EventBridge invokes Lambda. */
    public static final String EVENT_FUNCTION = "on-event";
    public static final int MAX_RECEIVE_COUNT = 3;

    private TestTopology() {
    }

    public static Topology create() {
        TargetSpec toWork = new TargetSpec("queue", TargetSpec.Kind.SQS, QUEUE, new TargetSpec.RetryPolicy(2, 60),
                "delivery-dlq");
        TargetSpec toDoomed = new TargetSpec("doomed-queue", TargetSpec.Kind.SQS, "doomed",
                new TargetSpec.RetryPolicy(2, 60), "delivery-dlq");
        return new Topology(
                List.of(BUS),
                List.of(new QueueSpec(QUEUE, 2, 3600, new QueueSpec.DeadLetter(MAX_RECEIVE_COUNT, 3600)),
                        new QueueSpec(NOISY_QUEUE, 2, 3600, new QueueSpec.DeadLetter(MAX_RECEIVE_COUNT, 3600)),
                        new QueueSpec("doomed", 2, 3600, null),
                        new QueueSpec("delivery-dlq", 30, 3600, null)),
                List.of(new BucketSpec("test-documents", true)),
                List.of(),
                List.of(new FunctionSpec(FUNCTION, ScriptedHandler.class.getName(), 256, 2,
                        new FunctionSpec.SqsTrigger(QUEUE, 5, 1, 2, true)),
                        new FunctionSpec(NOISY_FUNCTION, ScriptedHandler.class.getName(), 256, 2,
                                new FunctionSpec.SqsTrigger(NOISY_QUEUE, 5, 1, 2, true)),
                        new FunctionSpec(EVENT_FUNCTION, EventHandler.class.getName(), 256, 5, null)),
                List.of(),
                List.of(new RuleSpec("to-work", BUS, "test events to the work queue",
                                "{\"source\":[\"test\"]}", List.of(toWork)),
                        new RuleSpec("to-doomed", BUS, "", "{\"source\":[\"doomed\"]}", List.of(toDoomed)),
                        new RuleSpec("to-function", BUS, "", "{\"source\":[\"direct\"]}", List.of(
                                new TargetSpec("function", TargetSpec.Kind.LAMBDA, EVENT_FUNCTION,
                                        TargetSpec.RetryPolicy.AWS_DEFAULT, "delivery-dlq")))),
                List.of());
    }
}
