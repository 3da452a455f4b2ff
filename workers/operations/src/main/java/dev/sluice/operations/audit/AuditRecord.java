package dev.sluice.operations.audit;

import java.time.Instant;
import java.util.Map;

/**
 * One operator action as the audit table holds it. {@code finishedAt} and {@code outcome} are null
 * while it runs, and stay null when the process died before it could say how it ended: such a
 * record is shown as unfinished, and its {@code counts} are what was known when it started.
 *
 * @param operation what was done: {@code dlq.replay}, {@code dlq.purge}, {@code jobs.retry}...
 * @param via {@code cli} or {@code admin-api}
 * @param target what it was done to: a queue, a job, an execution, a bus
 * @param selection how the messages were chosen and paced: pattern, limit, rate, force...
 * @param counts what happened, by kind: moved, skipped, refused, failed...
 */
public record AuditRecord(String id, String operation, String principal, String via, String target,
        Map<String, String> selection, boolean dryRun, Instant startedAt, Instant finishedAt, Outcome outcome,
        Map<String, Long> counts, String error) {

    public AuditRecord {
        selection = Map.copyOf(selection);
        counts = Map.copyOf(counts);
    }

    /** How an action ended. */
    public enum Outcome {
        /** Everything chosen was done. */
        SUCCEEDED,
        /** Some of it failed; the failures stay where they were (in the DLQ, say). */
        PARTIAL,
        /** It stopped on an error before it was done. */
        FAILED
    }

    public boolean unfinished() {
        return finishedAt == null;
    }
}
