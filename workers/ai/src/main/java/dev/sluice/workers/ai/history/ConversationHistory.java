package dev.sluice.workers.ai.history;

import java.util.List;

/**
 * The earlier exchanges of a session, kept per tenant: a session id is the tenant's own, so the same
 * id in another tenant is another session, and no request ever reads another tenant's turns.
 */
public interface ConversationHistory {

    /** At most {@code limit} exchanges of the session, the newest first. */
    List<Exchange> recent(String tenantId, String sessionId, int limit);

    /** Records one exchange; the same job recorded twice (a redelivery) is one exchange. */
    void append(String tenantId, String sessionId, Exchange exchange);

    /** One request of the session and its answer. */
    record Exchange(String jobId, String user, String assistant) {
    }
}
