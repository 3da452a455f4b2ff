package dev.sluice.core.documents;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.json.Json;

/**
 * The input of an {@code ingest-document} execution for one upload: what the document router
 * builds from an "Object Created" event and what {@code sluice documents retry} builds from the
 * object's current version, so a retried ingestion runs exactly as the first one did. Every step
 * finds the upload again at the top of its input; {@code config} tunes the machine itself.
 *
 * @param version the object's ETag, without the quotes S3 puts around it in headers
 * @param correlationId the request the ingestion answers, for logs and pushes; always set, as the
 *     machine's Map state passes it to every batch
 */
public record IngestionInput(String tenantId, String userId, String documentId, String bucket, String key,
        String version, long size, int maxConcurrency, String correlationId) {

    public IngestionInput {
        version = version.replace("\"", "");
    }

    public ObjectNode toJson() {
        ObjectNode o = Json.object();
        o.put("tenantId", tenantId);
        o.put("userId", userId);
        o.put("documentId", documentId);
        o.put("bucket", bucket);
        o.put("key", key);
        o.put("version", version);
        o.put("size", size);
        o.put("correlationId", correlationId);
        o.putObject("config").put("maxConcurrency", maxConcurrency);
        return o;
    }
}
