package dev.sluice.local.http;

/** An error the AWS JSON protocol carries back as {@code {"__type", "message"}} with an HTTP status. */
public final class AwsApiException extends RuntimeException {

    private final int status;
    private final String type;

    public AwsApiException(int status, String type, String message) {
        super(message);
        this.status = status;
        this.type = type;
    }

    public static AwsApiException validation(String message) {
        return new AwsApiException(400, "ValidationException", message);
    }

    public static AwsApiException notFound(String message) {
        return new AwsApiException(400, "ResourceNotFoundException", message);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }
}
