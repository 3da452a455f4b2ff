package dev.sluice.workers.api;

import java.util.Map;
import java.util.Optional;

/**
 * Who a request is from, as the gateway's authorizer established it: the API key's tenant, user and
 * id, found in the event's {@code requestContext.authorizer}. The API never looks a key up itself.
 */
public record Caller(String tenantId, String userId, String keyId) {

    /** The caller the authorizer's context names; empty when the request came without one. */
    public static Optional<Caller> fromAuthorizer(Map<String, Object> authorizer) {
        if (authorizer == null) {
            return Optional.empty();
        }
        String tenantId = text(authorizer.get(ApiKeyAuthorizer.TENANT_ID));
        String userId = text(authorizer.get(ApiKeyAuthorizer.USER_ID));
        if (tenantId == null || userId == null) {
            return Optional.empty();
        }
        return Optional.of(new Caller(tenantId, userId, text(authorizer.get(ApiKeyAuthorizer.KEY_ID))));
    }

    private static String text(Object value) {
        return value == null || value.toString().isEmpty() ? null : value.toString();
    }
}
