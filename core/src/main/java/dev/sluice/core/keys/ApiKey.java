package dev.sluice.core.keys;

/** A key as listed: never its secret, which only its SHA-256 hash is kept of. */
public record ApiKey(String keyId, String tenantId, String userId, String name, long createdAt, Long revokedAt,
        UsageLimits limits, String month, long usedThisMonth) {
}
