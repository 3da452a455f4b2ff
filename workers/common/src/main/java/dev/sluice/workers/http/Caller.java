package dev.sluice.workers.http;

import dev.sluice.core.keys.KeyRole;
import java.util.Map;
import java.util.Optional;

/**
 * Who a request is from, as the gateway's authorizer established it: the API key's tenant, user, id
 * and role, found in the event's {@code requestContext.authorizer}. The API never looks a key up itself.
 */
public record Caller(String tenantId, String userId, String keyId, KeyRole role) {

    /** The authorizer context's members, as the API's authorizer writes them. */
    public static final String TENANT_ID = "tenantId";
    public static final String USER_ID = "userId";
    public static final String KEY_ID = "keyId";
    public static final String ROLE = "role";

    public boolean admin() {
        return role == KeyRole.ADMIN;
    }

    /**
     * The caller the authorizer's context names; empty when the request came without one. A context
     * without a role (an answer the gateway cached before keys had roles) is a tenant's, and so is one
     * naming a role this code does not know: nothing is ever admin by accident.
     */
    public static Optional<Caller> fromAuthorizer(Map<String, Object> authorizer) {
        if (authorizer == null) {
            return Optional.empty();
        }
        String tenantId = text(authorizer.get(TENANT_ID));
        String userId = text(authorizer.get(USER_ID));
        if (tenantId == null || userId == null) {
            return Optional.empty();
        }
        KeyRole role = KeyRole.ADMIN.wire().equals(text(authorizer.get(ROLE))) ? KeyRole.ADMIN : KeyRole.TENANT;
        return Optional.of(new Caller(tenantId, userId, text(authorizer.get(KEY_ID)), role));
    }

    private static String text(Object value) {
        return value == null || value.toString().isEmpty() ? null : value.toString();
    }
}
