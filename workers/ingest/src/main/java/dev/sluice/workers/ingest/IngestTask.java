package dev.sluice.workers.ingest;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.json.Json;
import dev.sluice.workers.logging.LogContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A step of the ingestion state machine as a Lambda handler: JSON in, JSON out, and every failure
 * thrown as {@link RetryableIngestException} or {@link PermanentIngestException}, the two error
 * names the state machine's Retry and Catch are written against. Its log lines carry the upload's
 * tenant, document and correlation id.
 */
abstract class IngestTask implements RequestStreamHandler {

    protected abstract JsonNode run(JsonNode input, Context context) throws Exception;

    @Override
    public final void handleRequest(InputStream in, OutputStream out, Context context) throws IOException {
        JsonNode input = Json.MAPPER.readTree(in);
        // Validate finds the upload under "document", every later step at the top of its input.
        JsonNode upload = input.has("document") ? input.path("document") : input;
        try (LogContext invocation = LogContext.invocation(context);
                LogContext document = LogContext.document(upload.path("tenantId").asText(null),
                        upload.path("documentId").asText(null), upload.path("correlationId").asText(null))) {
            JsonNode result;
            try {
                result = run(input, context);
            } catch (Exception e) {
                throw IngestFailures.classify(e);
            }
            Json.MAPPER.writeValue(out, result == null ? Json.object() : result);
        }
    }
}
