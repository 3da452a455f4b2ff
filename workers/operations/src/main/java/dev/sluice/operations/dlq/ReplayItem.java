package dev.sluice.operations.dlq;

/**
 * One chosen message of a replay.
 *
 * @param messageId the message's id in the DLQ
 * @param jobId the job it is about, null when none
 * @param destination where it was (or in a dry run would be) sent: a queue URL, a function or state machine ARN
 * @param outcome what became of it
 * @param replayCount its replays before this one
 * @param reason why it was refused or failed; null when it moved
 */
public record ReplayItem(String messageId, String jobId, String destination, Outcome outcome, int replayCount,
        String reason) {

    /** What became of a chosen message. */
    public enum Outcome {
        /** Sent back and deleted from the DLQ. */
        MOVED,
        /** A dry run: it would have been sent back. */
        WOULD_MOVE,
        /** Not sent; still in the DLQ (see the reason). */
        REFUSED,
        /** The send failed; still in the DLQ. */
        FAILED
    }

    ReplayItem with(Outcome other, String why) {
        return new ReplayItem(messageId, jobId, destination, other, replayCount, why);
    }
}
