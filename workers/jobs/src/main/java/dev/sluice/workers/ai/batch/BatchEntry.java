package dev.sluice.workers.ai.batch;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A job of a batch, as its manifest keeps it: the record id is the job id, and {@code event} is the
 * "Job Submitted" message the job came with, so the job can go back to the on-demand lane as it was.
 */
public record BatchEntry(String jobId, String tenantId, JsonNode event) {
}
