package dev.sluice.workers.notify;

import java.time.Instant;

/** What GetConnection tells about a WebSocket client. {@code userAgent} is null when the client sent none. */
public record ConnectionInfo(Instant connectedAt, Instant lastActiveAt, String sourceIp, String userAgent) {
}
