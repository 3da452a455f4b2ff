package dev.sluice.local.lambda;

/** An invocation that failed the way Lambda reports it: an error type and message, no result. */
public final class FunctionError extends Exception {

    private final String errorType;

    public FunctionError(String errorType, String message, Throwable cause) {
        super(message, cause);
        this.errorType = errorType;
    }

    public String errorType() {
        return errorType;
    }
}
