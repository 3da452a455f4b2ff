package dev.sluice.core.topology;

/**
 * A Lambda function: the handler class Lambda loads by name, its limits, and its triggers: an SQS
 * queue, and a schedule ({@code rate(1 minute)}) on which EventBridge invokes it. Either may be
 * null: something else invokes it then, an EventBridge rule or an API say.
 */
public record FunctionSpec(String name, String handler, int memoryMb, int timeoutSeconds, SqsTrigger sqsTrigger,
        String schedule) {

    public FunctionSpec(String name, String handler, int memoryMb, int timeoutSeconds, SqsTrigger sqsTrigger) {
        this(name, handler, memoryMb, timeoutSeconds, sqsTrigger, null);
    }

    /** An SQS event source mapping, with the settings AWS gives one. */
    public record SqsTrigger(String queue, int batchSize, int maximumBatchingWindowSeconds, int maximumConcurrency,
            boolean reportBatchItemFailures) {
    }
}
