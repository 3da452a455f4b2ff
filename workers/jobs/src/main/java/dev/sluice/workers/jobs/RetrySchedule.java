package dev.sluice.workers.jobs;

import java.util.concurrent.ThreadLocalRandom;

/**
 * When a transient failure is retried: the n-th receive waits {@code base * 2^(n-1)} seconds, capped,
 * with equal jitter so a burst of failures does not come back as one; the receive numbered
 * {@code maxReceiveCount} is the last before SQS moves the message to {@code deadLetterQueue}.
 */
public record RetrySchedule(int baseSeconds, int maxSeconds, int maxReceiveCount, String deadLetterQueue) {

    public boolean lastAttempt(int receiveCount) {
        return receiveCount >= maxReceiveCount;
    }

    public int delaySeconds(int receiveCount) {
        long delay = Math.min(maxSeconds, (long) baseSeconds << Math.min(30, Math.max(0, receiveCount - 1)));
        long half = delay / 2;
        return (int) (delay - half + ThreadLocalRandom.current().nextLong(half + 1));
    }
}
