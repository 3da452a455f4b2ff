package dev.sluice.core.topology;

/**
 * A Lambda function: the handler class Lambda loads by name, its limits, and its triggers: an SQS
 * queue, and a schedule ({@code rate(1 minute)}) on which EventBridge invokes it. Either may be
 * null: something else invokes it then, an EventBridge rule or an API say. {@code onFailure}, when
 * not null, is where Lambda sends the record of an asynchronous invocation that failed every attempt.
 */
public record FunctionSpec(String name, String handler, int memoryMb, int timeoutSeconds, SqsTrigger sqsTrigger,
        String schedule, OnFailure onFailure) {

    public FunctionSpec(String name, String handler, int memoryMb, int timeoutSeconds, SqsTrigger sqsTrigger) {
        this(name, handler, memoryMb, timeoutSeconds, sqsTrigger, null, null);
    }

    public FunctionSpec(String name, String handler, int memoryMb, int timeoutSeconds, SqsTrigger sqsTrigger,
            String schedule) {
        this(name, handler, memoryMb, timeoutSeconds, sqsTrigger, schedule, null);
    }

    /** An SQS event source mapping, with the settings AWS gives one. */
    public record SqsTrigger(String queue, int batchSize, int maximumBatchingWindowSeconds, int maximumConcurrency,
            boolean reportBatchItemFailures) {
    }

    /** An on-failure destination for asynchronous invocations: a standard queue of the topology. */
    public record OnFailure(String queue) {
    }
}
