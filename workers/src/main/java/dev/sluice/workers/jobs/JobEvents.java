package dev.sluice.workers.jobs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.jobs.Job;
import dev.sluice.core.jobs.JobStatus;
import dev.sluice.core.json.Json;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/** Puts the job flow's events, "Job Submitted", "Job Completed" and "Job Failed", on the jobs bus. */
public final class JobEvents {

    public static final String SOURCE = "sluice.jobs";

    private final EventBridgeClient events;
    private final String bus;

    public JobEvents(EventBridgeClient events, String bus) {
        this.events = events;
        this.bus = bus;
    }

    public void submitted(Job job) {
        ObjectNode detail = identity(job);
        detail.put("priority", job.priority());
        detail.put("submittedAt", job.submittedAt());
        if (job.payloadRef() != null) {
            detail.set("payloadRef", JobJson.ref(job.payloadRef()));
        } else {
            detail.set("payload", job.payload());
        }
        put("Job Submitted", detail);
    }

    /** "Job Completed" for a SUCCEEDED job, "Job Failed" for a FAILED one. */
    public void finished(Job job) {
        if (!job.status().terminal()) {
            throw new IllegalArgumentException("job " + job.jobId() + " is " + job.status() + ", not finished");
        }
        ObjectNode detail = identity(job);
        detail.put("status", job.status().name());
        detail.put("attempts", Math.max(1, job.attempts()));
        boolean succeeded = job.status() == JobStatus.SUCCEEDED;
        detail.put(succeeded ? "completedAt" : "failedAt", job.finishedAt());
        JobJson.putOutcome(detail, job);
        put(succeeded ? "Job Completed" : "Job Failed", detail);
    }

    private static ObjectNode identity(Job job) {
        ObjectNode detail = Json.object();
        detail.put("jobId", job.jobId());
        detail.put("tenantId", job.tenantId());
        if (job.userId() != null) {
            detail.put("userId", job.userId());
        }
        detail.put("type", job.type().wire());
        return detail;
    }

    private void put(String detailType, ObjectNode detail) {
        PutEventsResponse response = events.putEvents(b -> b.entries(PutEventsRequestEntry.builder()
                .eventBusName(bus).source(SOURCE).detailType(detailType).detail(Json.write(detail)).build()));
        if (response.failedEntryCount() != null && response.failedEntryCount() > 0) {
            PutEventsResultEntry failed = response.entries().get(0);
            throw new IllegalStateException("PutEvents refused \"" + detailType + "\": " + failed.errorCode() + " "
                    + failed.errorMessage());
        }
    }
}
