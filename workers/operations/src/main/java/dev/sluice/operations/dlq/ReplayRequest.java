package dev.sluice.operations.dlq;

import dev.sluice.operations.select.MessagePattern;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What to replay and how.
 *
 * @param match the messages chosen, by an EventBridge pattern over the body; {@link MessagePattern#all()} for every one
 * @param ratePerSecond sends per second; null = as fast as the targets take them
 * @param limit at most this many messages chosen; null = all that match
 * @param dryRun report what would move; nothing is sent, deleted or audited
 * @param force replay even messages replayed {@code maxReplays} times already
 * @param maxReplays the loop guard: a message replayed this often is refused unless {@code force}
 * @param editor changes each chosen message before it is sent (re-validated against its schema); null = none
 * @param via {@code cli} or {@code admin-api}, for the audit
 */
public record ReplayRequest(MessagePattern match, Double ratePerSecond, Integer limit, boolean dryRun, boolean force,
        int maxReplays, MessageEditor editor, String via) {

    public static final int DEFAULT_MAX_REPLAYS = 3;

    /** @throws IllegalArgumentException a rate, limit or maximum of 0 or less: a usage error */
    public ReplayRequest {
        match = match == null ? MessagePattern.all() : match;
        if (ratePerSecond != null && !(ratePerSecond > 0)) {
            throw new IllegalArgumentException("the rate must be more than 0 messages per second, not " + ratePerSecond);
        }
        if (limit != null && limit <= 0) {
            throw new IllegalArgumentException("the limit must be more than 0 messages, not " + limit);
        }
        if (maxReplays <= 0) {
            throw new IllegalArgumentException("the maximum number of replays must be more than 0, not " + maxReplays);
        }
    }

    /** Every message, unlimited, not forced, at most {@link #DEFAULT_MAX_REPLAYS} replays, no editor. */
    public static ReplayRequest all(String via) {
        return new ReplayRequest(MessagePattern.all(), null, null, false, false, DEFAULT_MAX_REPLAYS, null, via);
    }

    /** The selection as the audit records it. */
    Map<String, String> selection() {
        Map<String, String> selection = new LinkedHashMap<>();
        match.text().ifPresent(p -> selection.put("match", p));
        if (ratePerSecond != null) {
            selection.put("rate", String.valueOf(ratePerSecond));
        }
        if (limit != null) {
            selection.put("limit", String.valueOf(limit));
        }
        selection.put("force", String.valueOf(force));
        selection.put("maxReplays", String.valueOf(maxReplays));
        selection.put("edited", String.valueOf(editor != null));
        return selection;
    }
}
