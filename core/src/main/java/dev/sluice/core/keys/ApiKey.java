package dev.sluice.core.keys;

/**
 * A key as listed: never its secret, which only its SHA-256 hash is kept of. The hash is also what
 * the authorizer tells API Gateway to meter the key by (its {@code usageIdentifierKey}), under the
 * usage plan the key names. Its role says whether it also opens the admin API.
 */
public record ApiKey(String keyId, String tenantId, String userId, String name, String usagePlan, KeyRole role,
        long createdAt, Long revokedAt, String keyHash) {

    public boolean revoked() {
        return revokedAt != null;
    }
}
