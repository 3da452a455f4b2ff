package dev.sluice.local.lambda;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.json.Json;

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

    /**
     * The error as the Java runtime reports an unhandled one, in the Invoke response and in an
     * invocation record alike: {@code {"errorMessage", "errorType", "stackTrace"}}, the trace only
     * when the handler threw.
     */
    public ObjectNode payload() {
        ObjectNode thrown = Json.object();
        thrown.put("errorMessage", getMessage());
        thrown.put("errorType", errorType);
        if (getCause() != null) {
            ArrayNode trace = thrown.putArray("stackTrace");
            for (StackTraceElement frame : getCause().getStackTrace()) {
                trace.add(frame.toString());
            }
        }
        return thrown;
    }
}
