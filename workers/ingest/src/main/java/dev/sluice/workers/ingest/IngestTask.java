package dev.sluice.workers.ingest;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A step of the ingestion state machine as a Lambda handler: JSON in, JSON out, and every failure
 * thrown as {@link RetryableIngestException} or {@link PermanentIngestException}, the two error
 * names the state machine's Retry and Catch are written against.
 */
abstract class IngestTask implements RequestStreamHandler {

    protected abstract JsonNode run(JsonNode input, Context context) throws Exception;

    @Override
    public final void handleRequest(InputStream in, OutputStream out, Context context) throws IOException {
        JsonNode input = Json.MAPPER.readTree(in);
        JsonNode result;
        try {
            result = run(input, context);
        } catch (Exception e) {
            throw IngestFailures.classify(e);
        }
        Json.MAPPER.writeValue(out, result == null ? Json.object() : result);
    }
}
