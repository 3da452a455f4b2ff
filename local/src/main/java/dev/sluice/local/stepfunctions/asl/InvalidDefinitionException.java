package dev.sluice.local.stepfunctions.asl;

/**
 * A definition the interpreter refuses at load, with AWS's error code for {@code CreateStateMachine}
 * ({@code InvalidDefinition}) and a message naming the state and the field, e.g.
 * {@code State "Embed": field "Retry[0].BackoffRate": must be >= 1.0}.
 */
public final class InvalidDefinitionException extends RuntimeException {

    public InvalidDefinitionException(String message) {
        super(message);
    }
}
