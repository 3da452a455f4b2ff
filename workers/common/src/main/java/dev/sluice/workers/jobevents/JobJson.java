package dev.sluice.workers.jobevents;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.jobs.Job;
import dev.sluice.core.jobs.S3Ref;
import dev.sluice.core.json.Json;

/** How a job's outcome reads in every JSON it appears in: events, API responses, pushes. */
public final class JobJson {

    private JobJson() {
    }

    /** Adds {@code result}, {@code resultRef} or {@code error}, whichever the job has. */
    public static void putOutcome(ObjectNode node, Job job) {
        if (job.result() != null) {
            node.set("result", job.result());
        }
        if (job.resultRef() != null) {
            node.set("resultRef", ref(job.resultRef()));
        }
        if (job.error() != null) {
            ObjectNode error = node.putObject("error");
            error.put("code", job.error().code());
            error.put("message", job.error().message());
            error.put("retryable", job.error().retryable());
        }
    }

    public static ObjectNode ref(S3Ref ref) {
        ObjectNode node = Json.object();
        node.put("bucket", ref.bucket());
        node.put("key", ref.key());
        node.put("size", ref.size());
        return node;
    }
}
