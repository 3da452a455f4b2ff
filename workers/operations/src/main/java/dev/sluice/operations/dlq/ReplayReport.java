package dev.sluice.operations.dlq;

import java.util.List;

/**
 * How a replay ended.
 *
 * @param auditId the audit record of the replay; null for a dry run (not audited)
 * @param moved messages sent back and deleted from the DLQ; in a dry run, those that would be
 * @param skipped messages read but not chosen (no match, or past the limit); left in the DLQ
 * @param refused chosen messages not sent: replayed too often already (without force), or edited into something
 *     their schema refuses; left in the DLQ
 * @param failed messages whose send failed; left in the DLQ
 * @param items every chosen message and what became of it (skipped ones are only counted)
 */
public record ReplayReport(String auditId, int moved, int skipped, int refused, int failed, List<ReplayItem> items) {

    public ReplayReport {
        items = List.copyOf(items);
    }

    /** {@code moved 12, skipped 3, refused 1, failed 0}: the summary line. */
    public String summary() {
        return "moved " + moved + ", skipped " + skipped + ", refused " + refused + ", failed " + failed;
    }
}
