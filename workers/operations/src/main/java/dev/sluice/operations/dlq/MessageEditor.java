package dev.sluice.operations.dlq;

/**
 * Changes a message before a replay sends it: an operator's {@code $EDITOR}, or a script in tests. Every chosen
 * message is edited before the first one is sent, so an edit that is not JSON stops the replay with nothing moved.
 */
@FunctionalInterface
public interface MessageEditor {

    /**
     * @param messageId the message's id in the DLQ, to name it to the operator
     * @param json what will be sent (for an on-failure record: its requestPayload), pretty-printed
     * @return the text to send instead; it must be JSON
     */
    String edit(String messageId, String json) throws Exception;

    /** An edit that is not JSON: the whole replay stops, nothing moved; a usage error. */
    final class NotJsonException extends IllegalArgumentException {

        public NotJsonException(String messageId, String reason) {
            super("the edit of message " + messageId + " is not JSON (" + reason + "); nothing was replayed");
        }
    }
}
