package dev.sluice.core.topology;

/**
 * A Lambda function: the handler class Lambda loads by name, its limits, and its trigger
 * (null when something else invokes it, an EventBridge rule say).
 */
public record FunctionSpec(String name, String handler, int memoryMb, int timeoutSeconds, SqsTrigger sqsTrigger) {

    /** An SQS event source mapping, with the settings AWS gives one. */
    public record SqsTrigger(String queue, int batchSize, int maximumBatchingWindowSeconds, int maximumConcurrency,
            boolean reportBatchItemFailures) {
    }
}
