package dev.sluice.core.jobs;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One job as stored. Times are epoch milliseconds (null until reached). Exactly one of
 * {@code payload} / {@code payloadRef} is set, and on success one of {@code result} / {@code resultRef}.
 */
public record Job(String jobId, String tenantId, String userId, JobType type, String priority, JobStatus status,
        int attempts, long submittedAt, Long startedAt, Long finishedAt, JsonNode payload, S3Ref payloadRef,
        JsonNode result, S3Ref resultRef, JobError error) {
}
