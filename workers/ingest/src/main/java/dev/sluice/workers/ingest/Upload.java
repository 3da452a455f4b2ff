package dev.sluice.workers.ingest;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The upload an ingestion works on, as every step finds it at the top of its own input (written by
 * {@link dev.sluice.core.documents.IngestionInput}). {@code version} is the object's ETag; {@code correlationId}
 * names the request that asked for the upload, for logs and pushes (null in executions older than it).
 */
public record Upload(String tenantId, String userId, String documentId, String bucket, String key, String version,
        long size, String correlationId) {

    public static Upload from(JsonNode input) {
        return new Upload(text(input, "tenantId"), text(input, "userId"), text(input, "documentId"),
                text(input, "bucket"), text(input, "key"), text(input, "version"), input.path("size").asLong(),
                input.path("correlationId").asText(null));
    }

    private static String text(JsonNode input, String field) {
        JsonNode value = input.get(field);
        if (value == null || !value.isTextual()) {
            throw new PermanentIngestException("invalid_input", "the step's input has no \"" + field + "\"");
        }
        return value.asText();
    }

    /** Where this upload's intermediate text, chunks and vectors live in the payload bucket. */
    public String workPrefix() {
        return "ingest/" + documentId + "/" + version.replaceAll("[^A-Za-z0-9_-]", "_") + "/";
    }
}
