package dev.sluice.operations.deployment;

/** A name the stack does not have: an operator's typo, reported as one line naming what exists. */
public final class UnknownResourceException extends IllegalArgumentException {

    public UnknownResourceException(String kind, String name, Iterable<String> known) {
        super("unknown " + kind + " \"" + name + "\"; the stack has " + String.join(", ", known));
    }
}
