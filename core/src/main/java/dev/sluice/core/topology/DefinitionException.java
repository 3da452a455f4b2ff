package dev.sluice.core.topology;

/** A definition file (topology, rule, schema, state machine) that cannot be used, and why. */
public final class DefinitionException extends RuntimeException {

    private final String file;

    public DefinitionException(String file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    public DefinitionException(String file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    public String file() {
        return file;
    }
}
