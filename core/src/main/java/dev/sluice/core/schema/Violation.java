package dev.sluice.core.schema;

/** One way a document breaks its schema: the offending field (dotted path, "" for the root) and why. */
public record Violation(String field, String message) {
}
