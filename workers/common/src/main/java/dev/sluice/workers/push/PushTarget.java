package dev.sluice.workers.push;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Where a numbered message for a user goes: the user's push log, then the user's open connections. */
@FunctionalInterface
public interface PushTarget {

    /**
     * Numbers {@code message} in the user's push log (it gets its {@code seq} there) and posts it to
     * each of the user's open connections; a connection that cannot be reached is passed over, since
     * {@code resume} finds the message in the log.
     *
     * @throws RuntimeException when the message could not be numbered; whether it was is then unknown
     */
    void push(String tenantId, String userId, ObjectNode message);
}
