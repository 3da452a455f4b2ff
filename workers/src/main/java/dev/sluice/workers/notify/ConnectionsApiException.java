package dev.sluice.workers.notify;

/** The {@code @connections} API refused a request, or kept failing it after the retries. */
public final class ConnectionsApiException extends RuntimeException {

    private final int status;
    private final String errorType;

    public ConnectionsApiException(String operation, int status, String errorType, String message) {
        super(operation + " failed with HTTP " + status + (errorType == null ? "" : " " + errorType) + ": " + message);
        this.status = status;
        this.errorType = errorType;
    }

    public int status() {
        return status;
    }

    /** API Gateway's {@code x-amzn-ErrorType}, such as {@code InvalidSignatureException}; null if it sent none. */
    public String errorType() {
        return errorType;
    }
}
