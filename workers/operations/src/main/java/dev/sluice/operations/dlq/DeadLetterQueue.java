package dev.sluice.operations.dlq;

import java.util.List;

/**
 * A dead-letter queue of the topology and where its messages failed, which is where a replay sends
 * them back to.
 *
 * @param sources for {@link Kind#QUEUE} the one source queue; for {@link Kind#EVENT_TARGET} the rules
 *     whose targets dead-letter here; for {@link Kind#ON_FAILURE} the functions whose asynchronous
 *     invocations fail here
 */
public record DeadLetterQueue(String name, Kind kind, List<String> sources) {

    public DeadLetterQueue {
        sources = List.copyOf(sources);
    }

    /** What a message of the queue is, and so how it is replayed. */
    public enum Kind {
        /** The message as its source queue held it, after maxReceiveCount receives: sent back to that queue. */
        QUEUE("queue"),
        /** An event EventBridge could not deliver to a rule's target (RULE_ARN, TARGET_ARN): sent to that target only. */
        EVENT_TARGET("event-target"),
        /** Lambda's record of a failed asynchronous invocation: its requestPayload is invoked again. */
        ON_FAILURE("on-failure");

        private final String wire;

        Kind(String wire) {
            this.wire = wire;
        }

        /** As listed and as the admin API writes it. */
        public String wire() {
            return wire;
        }
    }
}
