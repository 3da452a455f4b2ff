package dev.sluice.core.jobs;

/** Why a job FAILED; {@code retryable} says whether running it again could succeed (a replay). */
public record JobError(String code, String message, boolean retryable) {
}
