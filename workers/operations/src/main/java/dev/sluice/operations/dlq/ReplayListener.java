package dev.sluice.operations.dlq;

/** Progress of a replay, for a progress bar; called on the replaying thread. */
public interface ReplayListener {

    /** Does nothing. */
    ReplayListener NONE = new ReplayListener() {
    };

    /** The DLQ was read: {@code toSend} messages will be sent (or, in a dry run, would be). */
    default void chosen(int toSend) {
    }

    /**
     * The message reached its destination and is still in the DLQ: it is deleted from there next. A process that
     * dies here leaves it in both places, a duplicate the idempotent workers absorb, never a loss.
     */
    default void sent(ReplayItem item) {
    }

    /** One chosen message is done with: moved, refused or failed. */
    default void done(ReplayItem item) {
    }
}
