package dev.sluice.workers.ai.resilience;

import dev.sluice.core.ai.DeltaSink;

/**
 * The client's sink for one routed call, remembering whether the current attempt has sent text, so a new
 * attempt (a retry, a fallback) voids it first: the client never sees a piece twice nor a gap.
 */
final class RestartableDeltas implements DeltaSink {

    private final DeltaSink client;
    private boolean sent;

    RestartableDeltas(DeltaSink client) {
        this.client = client;
    }

    @Override
    public void accept(String text) {
        if (!text.isEmpty()) {
            sent = true;
        }
        client.accept(text);
    }

    @Override
    public void reset(String reason) {
        sent = false;
        client.reset(reason);
    }

    /** Before an attempt: void what an earlier one sent, if it sent anything. */
    void restartIfSent(String reason) {
        if (sent) {
            reset(reason);
        }
    }
}
