package dev.sluice.core.keys;

/** A new key and its secret, which is shown once and stored nowhere. */
public record IssuedKey(ApiKey key, String secret) {
}
