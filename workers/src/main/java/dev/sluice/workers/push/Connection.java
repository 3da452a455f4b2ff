package dev.sluice.workers.push;

/** An open WebSocket connection and whose it is. */
public record Connection(String connectionId, String tenantId, String userId, long connectedAt) {
}
