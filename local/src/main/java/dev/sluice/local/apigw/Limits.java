package dev.sluice.local.apigw;

import java.time.Duration;

/** The quotas API Gateway enforces on every WebSocket connection. */
public record Limits(Duration idleTimeout, Duration maxConnectionDuration, int maxMessageBytes, int maxFrameBytes) {

    /** API Gateway's own: 10 minutes idle, 2 hours in all, 128 KiB a message, 32 KiB a frame. */
    public static Limits aws() {
        return new Limits(Duration.ofMinutes(10), Duration.ofHours(2), 128 * 1024, 32 * 1024);
    }
}
