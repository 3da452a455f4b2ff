package dev.sluice.workers.jobevents;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.failure.PortFailure;
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
    public static final String SUBMITTED = "Job Submitted";

    private final EventBridgeClient events;
    private final String bus;

    public JobEvents(EventBridgeClient events, String bus) {
        this.events = events;
        this.bus = bus;
    }

    /** @throws PortFailure when the bus refused the event: retryable if it may take it later */
    public void submitted(Job job) {
        put(SUBMITTED, submittedDetail(job));
    }

    /**
     * A job's "Job Submitted" event as the rules see it (source, detail-type, detail), without the
     * envelope fields EventBridge adds on delivery.
     */
    public static ObjectNode submittedEvent(Job job) {
        ObjectNode event = Json.object();
        event.put("source", SOURCE);
        event.put("detail-type", SUBMITTED);
        event.set("detail", submittedDetail(job));
        return event;
    }

    /** The detail of a job's "Job Submitted" event, which the bus's rules route by. */
    public static ObjectNode submittedDetail(Job job) {
        ObjectNode detail = identity(job);
        detail.put("priority", job.priority());
        detail.put("submittedAt", job.submittedAt());
        if (job.payloadRef() != null) {
            detail.set("payloadRef", JobJson.ref(job.payloadRef()));
        } else {
            detail.set("payload", job.payload());
        }
        return detail;
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
        if (job.correlationId() != null) {
            detail.put("correlationId", job.correlationId());
        }
        return detail;
    }

    private void put(String detailType, ObjectNode detail) {
        PutEventsResponse response;
        try {
            response = events.putEvents(b -> b.entries(PutEventsRequestEntry.builder()
                    .eventBusName(bus).source(SOURCE).detailType(detailType).detail(Json.write(detail)).build()));
        } catch (RuntimeException e) {
            throw PortFailure.of(e);
        }
        if (response.failedEntryCount() != null && response.failedEntryCount() > 0) {
            PutEventsResultEntry failed = response.entries().get(0);
            String message = "PutEvents refused \"" + detailType + "\": " + failed.errorCode() + " "
                    + failed.errorMessage();
            // EventBridge's per-entry codes: throttling and its own failures pass; the rest are about the entry.
            boolean transientCode = "ThrottlingException".equals(failed.errorCode())
                    || "InternalFailure".equals(failed.errorCode()) || "InternalException".equals(failed.errorCode());
            throw transientCode ? PortFailure.retryable("event_not_put", message, null)
                    : PortFailure.permanent("event_refused", message, null);
        }
    }
}
