package dev.sluice.core.topology;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One resource a function touches, with the access modes it needs ({@code read}, {@code consume},
 * {@code publish}...; per kind in the schema) and, for a bucket, optionally the only key prefix it
 * touches. The CDK app grants exactly these; the local runtime gives a function the SDK endpoints
 * of the services it uses, and no others.
 */
public record Use(ResourceKind kind, String name, List<String> access, String prefix) {

    public Use {
        access = List.copyOf(access);
    }

    public Use(ResourceKind kind, String name, String... access) {
        this(kind, name, List.of(access), null);
    }

    public boolean allows(String mode) {
        return access.contains(mode);
    }

    /** From {@code {"<kind>": name, "access": [...], "prefix"?}}, which the schema has checked. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static Use fromJson(Map<String, JsonNode> fields) {
        ResourceKind kind = null;
        String name = null;
        for (Map.Entry<String, JsonNode> field : fields.entrySet()) {
            var k = ResourceKind.byKey(field.getKey());
            if (k.isPresent()) {
                kind = k.get();
                name = field.getValue().asText();
            }
        }
        if (kind == null) {
            throw new IllegalArgumentException("a use names no resource kind: " + fields.keySet());
        }
        List<String> access = new ArrayList<>();
        fields.getOrDefault("access", com.fasterxml.jackson.databind.node.MissingNode.getInstance())
                .forEach(a -> access.add(a.asText()));
        JsonNode prefix = fields.get("prefix");
        return new Use(kind, name, access, prefix == null ? null : prefix.asText());
    }

    @Override
    public String toString() {
        return kind.key() + " \"" + name + "\"" + (prefix == null ? "" : " (" + prefix + ")") + " " + access;
    }
}
