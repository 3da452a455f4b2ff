package dev.sluice.workers.notify;

/**
 * The client has disconnected (HTTP 410): checked, because every notifier must decide what a
 * vanished client means, typically forgetting its connection id.
 */
public final class GoneException extends Exception {

    private final String connectionId;

    public GoneException(String connectionId) {
        super("WebSocket connection " + connectionId + " is gone");
        this.connectionId = connectionId;
    }

    public String connectionId() {
        return connectionId;
    }
}
