package dev.sluice.workers.ai.resilience;

import java.time.Duration;

/** Waits between retries; a test passes one that only records the waits. */
@FunctionalInterface
public interface Sleeper {

    Sleeper THREAD = duration -> {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to retry a model call", e);
        }
    };

    void sleep(Duration duration);
}
