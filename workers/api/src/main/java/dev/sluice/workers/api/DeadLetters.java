package dev.sluice.workers.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.operations.select.MessagePattern;

/**
 * What the admin API asks of the operations library ({@code DeadLetterOperations}), already as the
 * JSON it answers with: the API validates and authorizes, the library reads and moves messages.
 */
interface DeadLetters {

    /** Every DLQ of the stack with its depth, oldest message and top failure reasons: a JSON array. */
    JsonNode list();

    /** Up to {@code limit} messages of {@code dlq}, not consumed: a JSON array. */
    JsonNode peek(String dlq, int limit);

    /** Replays (or with {@code dryRun} only reports) as {@code principal}, audited via admin-api: the report. */
    JsonNode replay(String dlq, Replay replay, String principal);

    /** The command's options, less {@code --edit}, which has no API form. */
    record Replay(MessagePattern match, Double ratePerSecond, int limit, boolean dryRun, boolean force) {
    }
}
