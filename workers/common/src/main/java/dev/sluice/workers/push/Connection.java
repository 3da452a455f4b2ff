package dev.sluice.workers.push;

/**
 * An open WebSocket connection, whose it is and the API key it was opened with (null on rows from
 * before keys were recorded, which expire within {@link Connections#MAX_AGE}).
 */
public record Connection(String connectionId, String tenantId, String userId, long connectedAt, String keyId) {

    public Connection(String connectionId, String tenantId, String userId, long connectedAt) {
        this(connectionId, tenantId, userId, connectedAt, null);
    }
}
