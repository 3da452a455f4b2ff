package dev.sluice.local.stepfunctions.asl;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Runs Map iterations or Parallel branches on virtual threads, at most {@code limit} at once, and
 * interrupts the rest as soon as a failure is one too many or the caller itself is interrupted.
 */
final class Fanout {

    interface Job {
        JsonNode run(int index) throws InterruptedException;
    }

    interface FailurePolicy {
        boolean stopsAt(StatesError failure, int failuresSoFar);
    }

    /** Exactly one of output and failure is set. */
    record Outcome(JsonNode output, StatesError failure) {
    }

    /** {@code stoppedBy} is the failure that ended the run early, or null. */
    record Result(List<Outcome> outcomes, StatesError stoppedBy) {
    }

    private Fanout() {
    }

    /** @param limit at most this many jobs at once; 0 for no limit */
    static Result run(int count, int limit, Job job, FailurePolicy policy) throws InterruptedException {
        if (limit < 0) {
            // no worker would start, and nothing would ever count the latch down
            throw new IllegalArgumentException("limit must not be negative: " + limit);
        }
        AtomicReferenceArray<Outcome> outcomes = new AtomicReferenceArray<>(count);
        AtomicReference<StatesError> stoppedBy = new AtomicReference<>();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        int workers = limit == 0 ? count : Math.min(limit, count);
        AtomicInteger running = new AtomicInteger(workers);
        CountDownLatch finished = new CountDownLatch(workers == 0 ? 0 : 1);
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        try {
            for (int w = 0; w < workers; w++) {
                pool.execute(() -> {
                    try {
                        for (int i = next.getAndIncrement(); i < count && stoppedBy.get() == null;
                                i = next.getAndIncrement()) {
                            outcomes.set(i, attempt(job, i));
                            StatesError failure = outcomes.get(i).failure();
                            if (failure != null && policy.stopsAt(failure, failures.incrementAndGet())
                                    && stoppedBy.compareAndSet(null, failure)) {
                                finished.countDown();
                            }
                        }
                    } catch (InterruptedException e) {
                        // stopped by the coordinator: the outcome no longer matters
                    } finally {
                        if (running.decrementAndGet() == 0) {
                            finished.countDown();
                        }
                    }
                });
            }
            finished.await();
        } finally {
            pool.shutdownNow();
            awaitTermination(pool);
        }
        List<Outcome> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            list.add(outcomes.get(i));
        }
        return new Result(list, stoppedBy.get());
    }

    private static Outcome attempt(Job job, int index) throws InterruptedException {
        try {
            return new Outcome(job.run(index), null);
        } catch (StatesError e) {
            return new Outcome(null, e);
        } catch (RuntimeException e) {
            return new Outcome(null, StatesError.runtime(String.valueOf(e)));
        }
    }

    /** Children get interrupted and always finish quickly, so no event is written after the state ends. */
    private static void awaitTermination(ExecutorService pool) {
        boolean interrupted = false;
        while (true) {
            try {
                if (pool.awaitTermination(1, TimeUnit.MINUTES)) {
                    break;
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
