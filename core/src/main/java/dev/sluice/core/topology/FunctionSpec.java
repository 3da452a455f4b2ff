package dev.sluice.core.topology;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Lambda function: the handler class Lambda loads by name, the artifact (bundle) it ships in, its
 * limits, and its triggers: an SQS queue, and a schedule ({@code rate(1 minute)}) on which
 * EventBridge invokes it. Either may be null: something else invokes it then, an EventBridge rule or
 * an API say. {@code environment} is every variable its handler reads, literal or
 * {@code ${kind:name}}; {@code uses} every resource it touches, with its access modes.
 * {@code onFailure}, when not null, is where Lambda sends the record of an asynchronous invocation
 * that failed every attempt.
 */
public record FunctionSpec(String name, String handler, int memoryMb, int timeoutSeconds, SqsTrigger sqsTrigger,
        String schedule, String artifact, Map<String, String> environment, List<Use> uses, OnFailure onFailure) {

    public FunctionSpec {
        environment = environment == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(environment));
        uses = uses == null ? List.of() : List.copyOf(uses);
    }

    /** A function that reads no settings and uses nothing declared (the local runtime's tests build such). */
    public FunctionSpec(String name, String handler, int memoryMb, int timeoutSeconds, SqsTrigger sqsTrigger) {
        this(name, handler, memoryMb, timeoutSeconds, sqsTrigger, null, null, Map.of(), List.of(), null);
    }

    /** The same function served by another handler class (a test double, say). */
    public FunctionSpec withHandler(String otherHandler) {
        return new FunctionSpec(name, otherHandler, memoryMb, timeoutSeconds, sqsTrigger, schedule, artifact,
                environment, uses, onFailure);
    }

    public FunctionSpec withEnvironment(Map<String, String> otherEnvironment, List<Use> otherUses) {
        return new FunctionSpec(name, handler, memoryMb, timeoutSeconds, sqsTrigger, schedule, artifact,
                otherEnvironment, otherUses, onFailure);
    }

    /** The uses entries of one resource (a bucket may have one per prefix). */
    public List<Use> uses(ResourceKind kind, String resource) {
        return uses.stream().filter(u -> u.kind() == kind && u.name().equals(resource)).toList();
    }

    /** The same function with an on-failure destination for its asynchronous invocations. */
    public FunctionSpec withOnFailure(String queue) {
        return new FunctionSpec(name, handler, memoryMb, timeoutSeconds, sqsTrigger, schedule, artifact, environment,
                uses, new OnFailure(queue));
    }

    /** An SQS event source mapping, with the settings AWS gives one. */
    public record SqsTrigger(String queue, int batchSize, int maximumBatchingWindowSeconds, int maximumConcurrency,
            boolean reportBatchItemFailures) {
    }

    /** An on-failure destination for asynchronous invocations: a standard queue of the topology. */
    public record OnFailure(String queue) {
    }
}
