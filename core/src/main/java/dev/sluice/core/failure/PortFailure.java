package dev.sluice.core.failure;

import java.io.IOException;
import java.io.UncheckedIOException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * A call to a port or a store (a model, the embedder, the index, the mailer, the bus, a table) that
 * failed, saying the one thing its caller must decide on: whether trying the same call again can
 * help ({@link #retryable()}: throttling, timeouts, a service's own trouble) or not (the input or the
 * account is wrong, and a retry fails the same way). {@link #code()} is a stable snake_case reason
 * recorded on the job or document.
 */
public class PortFailure extends RuntimeException {

    private final String code;
    private final boolean retryable;

    protected PortFailure(String code, String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.retryable = retryable;
    }

    public static PortFailure retryable(String code, String message, Throwable cause) {
        return new PortFailure(code, message, true, cause);
    }

    public static PortFailure permanent(String code, String message, Throwable cause) {
        return new PortFailure(code, message, false, cause);
    }

    /**
     * How any throwable reads as a failure: a PortFailure as itself; an AWS service's throttling,
     * timeout or 5xx, an unreachable endpoint or a broken stream as retryable; any other refusal by a
     * service as permanent; anything else as a permanent {@code internal_error} (a bug does not heal).
     */
    public static PortFailure of(Throwable e) {
        return switch (e) {
            case PortFailure failure -> failure;
            case SdkServiceException service when service.isThrottlingException() || service.statusCode() >= 500
                    || service.statusCode() == 408 -> retryable("aws_unavailable", service.getMessage(), service);
            case SdkServiceException service -> permanent("aws_error", service.getMessage(), service);
            case SdkClientException client -> retryable("aws_unreachable", client.getMessage(), client);
            case UncheckedIOException io -> retryable("io_error", io.getMessage(), io);
            case IOException io -> retryable("io_error", io.getMessage(), io);
            default -> permanent("internal_error", e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        };
    }

    public String code() {
        return code;
    }

    public boolean retryable() {
        return retryable;
    }
}
