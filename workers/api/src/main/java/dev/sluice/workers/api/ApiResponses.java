package dev.sluice.workers.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.json.Json;
import java.util.HashMap;
import java.util.Map;

/** The API's JSON responses, errors as {@code {"error": {"code", "message", "field"}}}. */
final class ApiResponses {

    private ApiResponses() {
    }

    static APIGatewayProxyResponseEvent json(int status, JsonNode body) {
        return json(status, body, Map.of());
    }

    static APIGatewayProxyResponseEvent json(int status, JsonNode body, Map<String, String> extraHeaders) {
        Map<String, String> headers = new HashMap<>(extraHeaders);
        headers.put("Content-Type", "application/json");
        return new APIGatewayProxyResponseEvent().withStatusCode(status).withHeaders(headers)
                .withBody(Json.write(body));
    }

    /** {@code response} with header {@code name} added. */
    static APIGatewayProxyResponseEvent withHeader(APIGatewayProxyResponseEvent response, String name, String value) {
        Map<String, String> headers = response.getHeaders() == null ? new HashMap<>()
                : new HashMap<>(response.getHeaders());
        headers.put(name, value);
        return response.withHeaders(headers);
    }

    /** {@code field} names the offending field (a JSON path such as {@code payload.process}, or a header). */
    static APIGatewayProxyResponseEvent error(int status, String code, String message, String field) {
        return error(status, code, message, field, Map.of());
    }

    static APIGatewayProxyResponseEvent error(int status, String code, String message, String field,
            Map<String, String> headers) {
        ObjectNode body = Json.object();
        ObjectNode error = body.putObject("error");
        error.put("code", code);
        error.put("message", message);
        if (field != null) {
            error.put("field", field);
        } else {
            error.putNull("field");
        }
        return json(status, body, headers);
    }
}
