package dev.sluice.core.topology;

/**
 * An SQS queue. Every work queue has a dead-letter queue named {@code <name>-dlq}; a queue
 * without {@code deadLetter} is itself a terminal queue (a DLQ for EventBridge targets, say).
 */
public record QueueSpec(String name, int visibilityTimeoutSeconds, int retentionSeconds, DeadLetter deadLetter) {

    /** The SQS maximum; a DLQ keeps its messages at least as long as its source queue. */
    public static final int MAX_RETENTION_SECONDS = 14 * 24 * 3600;

    public record DeadLetter(int maxReceiveCount, int retentionSeconds) {
    }

    public boolean hasDeadLetterQueue() {
        return deadLetter != null;
    }

    public String deadLetterQueueName() {
        if (deadLetter == null) {
            throw new IllegalStateException("queue " + name + " has no dead-letter queue");
        }
        return name + "-dlq";
    }
}
