package dev.sluice.workers.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.json.Json;
import dev.sluice.core.schema.Schemas;
import dev.sluice.core.schema.Violation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * A request body read as a JSON object and checked against its schema: either the object, or the
 * 400 that names what is wrong (the body, or the field of the first violation).
 */
record JsonRequest(JsonNode body, APIGatewayProxyResponseEvent error) {

    static JsonRequest parse(byte[] bytes, Schemas schemas, String schema) {
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            return failed(ApiResponses.error(400, "malformed_json", "the body is not valid JSON: "
                    + e.getOriginalMessage(), "body"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (body == null || !body.isObject()) {
            return failed(ApiResponses.error(400, "malformed_json", "the body must be a JSON object", "body"));
        }
        List<Violation> violations = schemas.validate(schema, body);
        if (!violations.isEmpty()) {
            Violation first = violations.get(0);
            return failed(ApiResponses.error(400, "invalid_request", first.message(),
                    first.field().isEmpty() ? "body" : first.field()));
        }
        return new JsonRequest(body, null);
    }

    private static JsonRequest failed(APIGatewayProxyResponseEvent error) {
        return new JsonRequest(null, error);
    }

    boolean valid() {
        return error == null;
    }
}
