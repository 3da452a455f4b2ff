package dev.sluice.core.ai;

import dev.sluice.core.failure.PortFailure;
import java.time.Duration;
import java.util.Optional;

/**
 * A chat model that did not answer, by kind: the gateway retries the transient kinds (with the
 * provider's {@code Retry-After} when it sent one), counts them against the model's circuit breaker
 * and falls back; the permanent kinds fail the job at once.
 */
public final class ModelFailure extends PortFailure {

    public enum Kind {
        THROTTLED(true), TIMEOUT(true), UNAVAILABLE(true), STREAM_BROKEN(true),
        INVALID_REQUEST(false), ACCESS_DENIED(false), NOT_FOUND(false);

        private final boolean retryable;

        Kind(boolean retryable) {
            this.retryable = retryable;
        }

        public boolean retryable() {
            return retryable;
        }

        /** The job's error code: {@code model_throttled}, {@code model_invalid_request}, ... */
        public String code() {
            return "model_" + name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Kind kind;
    private final Duration retryAfter;

    public ModelFailure(Kind kind, String message, Duration retryAfter, Throwable cause) {
        super(kind.code(), message, kind.retryable(), cause);
        this.kind = kind;
        this.retryAfter = retryAfter;
    }

    public ModelFailure(Kind kind, String message, Throwable cause) {
        this(kind, message, null, cause);
    }

    public Kind kind() {
        return kind;
    }

    /** How long the provider asked to wait, when it said. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
