package dev.sluice.core.keys;

import java.util.Arrays;
import java.util.Locale;

/**
 * What a key may do: a {@code tenant} key reaches its own tenant's jobs and documents; an {@code admin}
 * key also reaches the admin API (the stack's dead-letter queues, across tenants). A key row without a
 * role was made before keys had one, and is a tenant's.
 */
public enum KeyRole {
    TENANT,
    ADMIN;

    /** As the key row, the authorizer's context and {@code sluice keys list} write it. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role {@code wire} names; null or empty (a row or a context from before roles) is {@link #TENANT}. */
    public static KeyRole fromWire(String wire) {
        if (wire == null || wire.isEmpty()) {
            return TENANT;
        }
        return Arrays.stream(values()).filter(r -> r.wire().equals(wire)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no key role \"" + wire + "\"; one of tenant, admin"));
    }
}
