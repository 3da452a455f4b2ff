package dev.sluice.local.stepfunctions.asl;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/** Typed, validated access to one JSON object of a definition, with errors naming state and field. */
final class Fields {

    private final String owner;
    private final String prefix;
    private final JsonNode node;

    Fields(String owner, String prefix, JsonNode node) {
        this.owner = owner;
        this.prefix = prefix;
        this.node = node;
    }

    static Fields state(String name, JsonNode node) {
        return new Fields("State \"" + name + "\"", "", node);
    }

    InvalidDefinitionException invalid(String field, String message) {
        return new InvalidDefinitionException(owner + ": field \"" + prefix + field + "\": " + message);
    }

    JsonNode node() {
        return node;
    }

    boolean has(String field) {
        return node.has(field);
    }

    JsonNode get(String field) {
        return node.get(field);
    }

    /** Everything not understood is refused, so a definition never runs with a field silently ignored. */
    void only(Set<String> allowed) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw invalid(name, "is not supported");
            }
        }
    }

    void exclusive(String... fields) {
        String seen = null;
        for (String field : fields) {
            if (has(field)) {
                if (seen != null) {
                    throw invalid(field, "cannot be used together with \"" + seen + "\"");
                }
                seen = field;
            }
        }
    }

    String text(String field) {
        JsonNode value = node.get(field);
        if (value == null) {
            return null;
        }
        if (!value.isTextual()) {
            throw invalid(field, "must be a string");
        }
        return value.asText();
    }

    String requiredText(String field) {
        String value = text(field);
        if (value == null) {
            throw invalid(field, "is required");
        }
        return value;
    }

    Integer integer(String field, long min, long max) {
        JsonNode value = node.get(field);
        if (value == null) {
            return null;
        }
        // canConvertToLong first: a BigInteger's asLong() keeps only its low bits (2^64 reads as 0).
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < min || value.asLong() > max) {
            throw invalid(field, "must be an integer from " + min + " to " + max);
        }
        return value.asInt();
    }

    Double number(String field) {
        JsonNode value = node.get(field);
        if (value == null) {
            return null;
        }
        if (!value.isNumber()) {
            throw invalid(field, "must be a number");
        }
        return value.asDouble();
    }

    /** A Path for reading; null when absent. */
    String path(String field) {
        String path = text(field);
        if (path != null) {
            check(field, () -> JsonPaths.check(path));
        }
        return path;
    }

    /** A Reference Path for reading a single value; null when absent. */
    String referencePath(String field) {
        String path = text(field);
        if (path != null) {
            check(field, () -> ReferencePath.parse(path));
        }
        return path;
    }

    /** InputPath/OutputPath: {@code $} when absent, null for an explicit JSON null. */
    String nullablePath(String field) {
        return has(field) && get(field).isNull() ? null : has(field) ? path(field) : "$";
    }

    /** A Path or an intrinsic function call (ErrorPath, CausePath). */
    String expression(String field) {
        String expression = text(field);
        if (expression != null) {
            check(field, () -> PayloadTemplate.checkExpression(expression));
        }
        return expression;
    }

    JsonNode template(String field) {
        JsonNode template = get(field);
        if (template != null) {
            if (!template.isObject()) {
                throw invalid(field, "must be an object");
            }
            check(field, () -> PayloadTemplate.check(template));
        }
        return template;
    }

    Fields object(String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isObject()) {
            throw invalid(field, "must be an object");
        }
        return new Fields(owner, prefix + field + ".", value);
    }

    /** A non-empty array of objects. */
    List<Fields> objects(String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isArray() || value.isEmpty()) {
            throw invalid(field, "must be a non-empty array");
        }
        List<Fields> items = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            if (!value.get(i).isObject()) {
                throw invalid(field + "[" + i + "]", "must be an object");
            }
            items.add(new Fields(owner, prefix + field + "[" + i + "].", value.get(i)));
        }
        return items;
    }

    List<String> strings(String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isArray() || value.isEmpty()) {
            throw invalid(field, "must be a non-empty array of strings");
        }
        List<String> items = new ArrayList<>();
        for (JsonNode item : value) {
            if (!item.isTextual()) {
                throw invalid(field, "must be a non-empty array of strings");
            }
            items.add(item.asText());
        }
        return items;
    }

    private void check(String field, Runnable check) {
        try {
            check.run();
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            throw invalid(field, e.getMessage());
        }
    }
}
