package dev.sluice.workers.bedrock;

import dev.sluice.core.ai.ModelFailure;
import dev.sluice.core.ai.ModelFailure.Kind;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.bedrockruntime.model.AccessDeniedException;
import software.amazon.awssdk.services.bedrockruntime.model.InternalServerException;
import software.amazon.awssdk.services.bedrockruntime.model.ModelErrorException;
import software.amazon.awssdk.services.bedrockruntime.model.ModelNotReadyException;
import software.amazon.awssdk.services.bedrockruntime.model.ModelTimeoutException;
import software.amazon.awssdk.services.bedrockruntime.model.ResourceNotFoundException;
import software.amazon.awssdk.services.bedrockruntime.model.ServiceUnavailableException;
import software.amazon.awssdk.services.bedrockruntime.model.ThrottlingException;
import software.amazon.awssdk.services.bedrockruntime.model.ValidationException;

/**
 * What kind of {@link ModelFailure} a failed Bedrock call was. Once a stream has begun (its 200 came),
 * any failure (an exception frame, a connection that broke) is {@link Kind#STREAM_BROKEN}: the
 * caller has to reset what it relayed, whatever the cause.
 */
final class BedrockFailures {

    private BedrockFailures() {
    }

    static ModelFailure classify(String modelId, Throwable e, boolean midStream) {
        if (e instanceof ModelFailure failure) {
            return failure;
        }
        String message = modelId + ": " + describe(e);
        if (midStream) {
            return new ModelFailure(Kind.STREAM_BROKEN, "stream broken: " + message, e);
        }
        return switch (e) {
            case ThrottlingException t -> new ModelFailure(Kind.THROTTLED, message, retryAfter(t).orElse(null), t);
            case ModelNotReadyException t -> new ModelFailure(Kind.THROTTLED, message, retryAfter(t).orElse(null), t);
            case ModelTimeoutException t -> new ModelFailure(Kind.TIMEOUT, message, t);
            case ServiceUnavailableException t -> new ModelFailure(Kind.UNAVAILABLE, message, retryAfter(t).orElse(null), t);
            case InternalServerException t -> new ModelFailure(Kind.UNAVAILABLE, message, t);
            case ModelErrorException t -> new ModelFailure(Kind.UNAVAILABLE, message, t);
            case ValidationException t -> new ModelFailure(Kind.INVALID_REQUEST, message, t);
            case AccessDeniedException t -> new ModelFailure(Kind.ACCESS_DENIED, message, t);
            case ResourceNotFoundException t -> new ModelFailure(Kind.NOT_FOUND, message, t);
            case AwsServiceException t -> new ModelFailure(byStatus(t.statusCode()), message,
                    retryAfter(t).orElse(null), t);
            case SdkClientException t when timedOut(t) -> new ModelFailure(Kind.TIMEOUT, message, t);
            // Unreachable, refused, reset: the endpoint may be back in a moment.
            case SdkClientException t -> new ModelFailure(Kind.UNAVAILABLE, message, t);
            default -> new ModelFailure(Kind.UNAVAILABLE, message, e);
        };
    }

    /** For an error Bedrock has no exception class for (yet). */
    private static Kind byStatus(int status) {
        return switch (status) {
            case 403 -> Kind.ACCESS_DENIED;
            case 404 -> Kind.NOT_FOUND;
            case 408 -> Kind.TIMEOUT;
            case 429 -> Kind.THROTTLED;
            default -> status >= 500 ? Kind.UNAVAILABLE : Kind.INVALID_REQUEST;
        };
    }

    private static boolean timedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ApiCallTimeoutException || t instanceof ApiCallAttemptTimeoutException
                    || t instanceof SocketTimeoutException || t instanceof java.util.concurrent.TimeoutException
                    || t.getClass().getSimpleName().equals("ReadTimeoutException")) {
                return true;
            }
        }
        return false;
    }

    /** {@code Retry-After} in seconds or as an HTTP date, when the response had one. */
    static Optional<Duration> retryAfter(AwsServiceException e) {
        if (e.awsErrorDetails() == null || e.awsErrorDetails().sdkHttpResponse() == null) {
            return Optional.empty();
        }
        return e.awsErrorDetails().sdkHttpResponse().firstMatchingHeader("Retry-After").flatMap(BedrockFailures::parse);
    }

    static Optional<Duration> parse(String value) {
        String v = value.trim();
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(v))));
        } catch (NumberFormatException notSeconds) {
            try {
                Duration until = Duration.between(java.time.Instant.now(),
                        ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return Optional.of(until.isNegative() ? Duration.ZERO : until);
            } catch (DateTimeParseException neither) {
                return Optional.empty();
            }
        }
    }

    private static String describe(Throwable e) {
        if (e instanceof AwsServiceException service && service.awsErrorDetails() != null) {
            // The class, not the error code: an exception frame's code is the event's name (modelStreamErrorException).
            return service.getClass().getSimpleName() + ": " + service.awsErrorDetails().errorMessage();
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
