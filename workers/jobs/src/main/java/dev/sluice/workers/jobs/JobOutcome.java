package dev.sluice.workers.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * What a job produced: its result, and writes that must happen exactly once together with the
 * job's completion (they are committed in the same transaction).
 */
public record JobOutcome(JsonNode result, List<TransactWriteItem> writes) {

    public JobOutcome {
        writes = List.copyOf(writes);
    }

    public static JobOutcome of(JsonNode result) {
        return new JobOutcome(result, List.of());
    }
}
