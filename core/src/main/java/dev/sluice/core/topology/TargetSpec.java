package dev.sluice.core.topology;

/**
 * One target of a rule: a topology queue, function or state machine, with the per-target retry
 * policy and dead-letter queue EventBridge applies when delivery fails.
 */
public record TargetSpec(String id, Kind kind, String resource, RetryPolicy retryPolicy, String deadLetterQueue) {

    public enum Kind { SQS, LAMBDA, STATE_MACHINE }

    /** EventBridge's RetryPolicy; the defaults are AWS's. */
    public record RetryPolicy(int maximumRetryAttempts, int maximumEventAgeSeconds) {
        public static final RetryPolicy AWS_DEFAULT = new RetryPolicy(185, 86_400);
    }
}
