package dev.sluice.core.topology;

import java.util.Arrays;
import java.util.Optional;

/**
 * The kinds of resource a function can use, each named in a {@code uses} entry by its key
 * ({@code {"table": "sluice-jobs", "access": [...]}}). The access modes of each kind are in the
 * topology's schema, which is where the CDK app maps them to IAM actions.
 */
public enum ResourceKind {
    TABLE("table"),
    QUEUE("queue"),
    BUS("bus"),
    BUCKET("bucket"),
    STATE_MACHINE("stateMachine"),
    WEB_SOCKET_API("webSocketApi"),
    MODEL("model"),
    SEARCH_INDEX("searchIndex"),
    EMAIL_IDENTITY("emailIdentity"),
    /** Another function of the topology, invoked (asynchronously) by this one: the admin API replays to the notifier. */
    FUNCTION("function");

    private final String key;

    ResourceKind(String key) {
        this.key = key;
    }

    /** The word that names this kind in topology.json. */
    public String key() {
        return key;
    }

    public static Optional<ResourceKind> byKey(String key) {
        return Arrays.stream(values()).filter(k -> k.key.equals(key)).findFirst();
    }
}
