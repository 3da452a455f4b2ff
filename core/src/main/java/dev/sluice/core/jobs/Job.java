package dev.sluice.core.jobs;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One job as stored. Times are epoch milliseconds (null until reached). Exactly one of
 * {@code payload} / {@code payloadRef} is set, and on success one of {@code result} / {@code resultRef}.
 * {@code replays} counts the times a FAILED job ran again because its message came back (a replay
 * from a dead-letter queue), {@code replayedAt} the last of them. {@code correlationId} is the
 * submitting request's ({@code X-Correlation-Id} or API Gateway's request id); null on rows older than it.
 */
public record Job(String jobId, String tenantId, String userId, JobType type, String priority, JobStatus status,
        int attempts, long submittedAt, Long startedAt, Long finishedAt, JsonNode payload, S3Ref payloadRef,
        JsonNode result, S3Ref resultRef, JobError error, int replays, Long replayedAt, String correlationId) {

    /** A new job, QUEUED and never attempted. */
    public static Job queued(String jobId, String tenantId, String userId, JobType type, String priority,
            long submittedAt, JsonNode payload, S3Ref payloadRef) {
        return new Job(jobId, tenantId, userId, type, priority, JobStatus.QUEUED, 0, submittedAt, null, null, payload,
                payloadRef, null, null, null, 0, null, null);
    }

    /** This job, submitted by the request {@code correlationId} names. */
    public Job withCorrelationId(String correlationId) {
        return new Job(jobId, tenantId, userId, type, priority, status, attempts, submittedAt, startedAt, finishedAt,
                payload, payloadRef, result, resultRef, error, replays, replayedAt, correlationId);
    }
}
