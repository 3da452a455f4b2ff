package dev.sluice.local.stepfunctions.asl;

/**
 * An intrinsic function that failed while the execution ran: a wrong argument type, a value outside AWS's
 * limits, a path that resolves to nothing. The interpreter turns it into a state failure that {@code Catch}
 * and {@code Retry} can match by {@link #error()}; the message becomes the cause.
 */
public final class IntrinsicFailureException extends RuntimeException {

    public static final String ERROR = "States.IntrinsicFailure";

    public IntrinsicFailureException(String message) {
        super(message);
    }

    public String error() {
        return ERROR;
    }
}
