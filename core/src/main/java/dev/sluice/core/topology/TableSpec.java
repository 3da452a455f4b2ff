package dev.sluice.core.topology;

import java.util.List;

/**
 * A DynamoDB table, on demand: its key, the attribute its time to live reads (null for none) and
 * its global secondary indexes, which project every attribute.
 */
public record TableSpec(String name, Key partitionKey, Key sortKey, String timeToLiveAttribute, List<Index> indexes) {

    public TableSpec {
        indexes = indexes == null ? List.of() : List.copyOf(indexes);
    }

    /** A key attribute: {@code S} string or {@code N} number. */
    public record Key(String name, String type) {
    }

    public record Index(String name, Key partitionKey, Key sortKey) {
    }
}
