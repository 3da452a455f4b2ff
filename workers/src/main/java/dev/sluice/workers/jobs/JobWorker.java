package dev.sluice.workers.jobs;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.json.Json;
import dev.sluice.core.schema.Schemas;
import dev.sluice.core.schema.Violation;
import dev.sluice.core.topology.Definitions;
import dev.sluice.workers.logging.JsonLog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Takes in "Job Submitted" events from a work queue. Step 1 of the roadmap: it checks each event
 * against {@code events/job-submitted} and records its arrival; the job store and the per-type work
 * arrive with step 2. A message that is not a valid job is reported as a batch item failure, so it
 * ends in the queue's DLQ, where an operator sees it, instead of being dropped.
 */
public final class JobWorker implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private static final String SCHEMA = "events/job-submitted";

    private final Schemas schemas;
    private final JsonLog log;

    public JobWorker() {
        this(Definitions.bundledSchemas(), new JsonLog(System.out));
    }

    public JobWorker(Schemas schemas, JsonLog log) {
        this.schemas = schemas;
        this.log = log;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        for (SQSEvent.SQSMessage message : event.getRecords()) {
            String problem = check(message.getBody());
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("messageId", message.getMessageId());
            if (problem == null) {
                JsonNode detail = Json.parse(message.getBody()).get("detail");
                fields.put("jobId", detail.get("jobId").asText());
                fields.put("tenantId", detail.get("tenantId").asText());
                fields.put("jobType", detail.get("type").asText());
                log.info("job received", context.getFunctionName(), context.getAwsRequestId(), fields);
            } else {
                fields.put("problem", problem);
                fields.put("receiveCount", String.valueOf(message.getAttributes().get("ApproximateReceiveCount")));
                log.error("not a valid Job Submitted event; left for the DLQ", context.getFunctionName(),
                        context.getAwsRequestId(), fields);
                failures.add(SQSBatchResponse.BatchItemFailure.builder()
                        .withItemIdentifier(message.getMessageId()).build());
            }
        }
        return SQSBatchResponse.builder().withBatchItemFailures(failures).build();
    }

    /** Why the body is not a valid job event, or null when it is. */
    private String check(String body) {
        JsonNode event;
        try {
            event = Json.parse(body);
        } catch (IllegalArgumentException e) {
            return "body is not JSON";
        }
        List<Violation> violations = schemas.validate(SCHEMA, event);
        if (violations.isEmpty()) {
            return null;
        }
        Violation first = violations.get(0);
        return (first.field().isEmpty() ? "" : first.field() + ": ") + first.message();
    }
}
