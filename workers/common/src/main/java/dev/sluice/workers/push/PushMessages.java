package dev.sluice.workers.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.jobs.Job;
import dev.sluice.core.json.Json;
import dev.sluice.workers.jobevents.JobJson;
import java.time.Instant;

/**
 * The messages pushed over the WebSocket: {@code {"type", "seq", "jobId", "status", "result"|"resultRef"|"error",
 * "correlationId", "ts"}}; {@code correlationId} names the request that submitted the job, when known.
 */
public final class PushMessages {

    private PushMessages() {
    }

    /** From a "Job Completed"/"Job Failed" event's detail. */
    public static ObjectNode fromJobEvent(JsonNode detail, String time) {
        ObjectNode message = Json.object();
        boolean succeeded = "SUCCEEDED".equals(detail.path("status").asText());
        message.put("type", succeeded ? "job.completed" : "job.failed");
        message.put("jobId", detail.get("jobId").asText());
        message.put("jobType", detail.path("type").asText());
        message.put("status", detail.get("status").asText());
        for (String field : new String[] {"result", "resultRef", "error", "correlationId"}) {
            if (detail.has(field)) {
                message.set(field, detail.get(field));
            }
        }
        message.put("ts", time);
        return message;
    }

    /** The current state of a job, the answer to {@code subscribe}. */
    public static ObjectNode status(Job job, long now) {
        ObjectNode message = Json.object();
        message.put("type", "job.status");
        message.put("jobId", job.jobId());
        message.put("jobType", job.type().wire());
        message.put("status", job.status().name());
        JobJson.putOutcome(message, job);
        if (job.correlationId() != null) {
            message.put("correlationId", job.correlationId());
        }
        message.put("ts", Instant.ofEpochMilli(now).toString());
        return message;
    }
}
