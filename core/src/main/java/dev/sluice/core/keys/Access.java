package dev.sluice.core.keys;

/** The answer to a presented API key. */
public sealed interface Access {

    /** The key is valid and within its limits; this request was counted. */
    record Granted(ApiKey key) implements Access {
    }

    /** No key (401), an unknown or revoked one (403), or over a limit (429, with when to retry). */
    record Denied(int status, String code, String message, long retryAfterSeconds) implements Access {
    }
}
