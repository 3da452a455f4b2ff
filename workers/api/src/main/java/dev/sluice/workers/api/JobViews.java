package dev.sluice.workers.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.jobs.Job;
import dev.sluice.core.json.Json;
import dev.sluice.workers.jobevents.JobJson;
import java.time.Instant;

/** A job as the API shows it: times in ISO-8601, never the payload; an AI job's {@code usage} at the top. */
final class JobViews {

    private JobViews() {
    }

    static ObjectNode view(Job job) {
        ObjectNode view = Json.object();
        view.put("jobId", job.jobId());
        view.put("type", job.type().wire());
        view.put("priority", job.priority());
        view.put("status", job.status().name());
        view.put("attempts", job.attempts());
        view.put("submittedAt", Instant.ofEpochMilli(job.submittedAt()).toString());
        putTime(view, "startedAt", job.startedAt());
        putTime(view, "finishedAt", job.finishedAt());
        if (job.replays() > 0) {
            view.put("replays", job.replays());
            putTime(view, "replayedAt", job.replayedAt());
        }
        JobJson.putOutcome(view, job);
        if (job.result() != null && job.result().path("usage").isObject()) {
            // An AI job's consumption, where a client looks first (the result holds it too).
            view.set("usage", job.result().get("usage"));
        }
        view.putObject("links").put("self", "/v1/jobs/" + job.jobId());
        return view;
    }

    private static void putTime(ObjectNode view, String name, Long millis) {
        if (millis != null) {
            view.put(name, Instant.ofEpochMilli(millis).toString());
        }
    }
}
