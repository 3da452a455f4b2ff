package dev.sluice.operations.dlq;

import java.util.List;

/**
 * How a purge ended.
 *
 * @param auditId the audit record; null for a dry run (not audited)
 * @param dryRun true when nothing was deleted
 * @param matched messages the pattern chose
 * @param deleted messages deleted (0 in a dry run)
 * @param kept messages read that did not match, left in the DLQ
 * @param messageIds the ids of the matched messages
 */
public record PurgeReport(String auditId, boolean dryRun, int matched, int deleted, int kept, List<String> messageIds) {

    public PurgeReport {
        messageIds = List.copyOf(messageIds);
    }
}
