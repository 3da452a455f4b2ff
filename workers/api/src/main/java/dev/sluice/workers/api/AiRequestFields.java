package dev.sluice.workers.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.workers.ai.config.GatewayConfig;
import java.util.List;

/**
 * The fields of an ai.request job that may sit beside {@code type} in the body ({@code modelType},
 * {@code stream}, {@code useDocuments}) or, for the model type, in header {@code X-Model-Type}: folded
 * into the payload, where the worker reads them. One field given twice with two values is a 400
 * naming it, never a silent choice.
 */
record AiRequestFields(JsonNode request, APIGatewayProxyResponseEvent error) {

    static final String MODEL_TYPE_HEADER = "X-Model-Type";
    private static final List<String> ENVELOPE_FIELDS = List.of("modelType", "stream", "useDocuments");

    /** {@code request} (schema-valid) with its envelope fields and {@code header} moved into its payload. */
    static AiRequestFields fold(JsonNode request, String header) {
        boolean ai = request.get("type").asText().equals("ai.request");
        if (header != null && !ai) {
            return failed(ApiResponses.error(400, "invalid_header", MODEL_TYPE_HEADER + " applies to ai.request"
                    + " jobs only", MODEL_TYPE_HEADER));
        }
        if (!ai) {
            return new AiRequestFields(request, null);
        }
        if (header != null && !GatewayConfig.MODEL_TYPES.contains(header)) {
            return failed(ApiResponses.error(400, "invalid_header", "model type \"" + header + "\" is not one of "
                    + String.join(", ", GatewayConfig.MODEL_TYPES), MODEL_TYPE_HEADER));
        }
        ObjectNode folded = request.deepCopy();
        ObjectNode payload = (ObjectNode) folded.get("payload");
        for (String field : ENVELOPE_FIELDS) {
            JsonNode body = folded.remove(field);
            if (field.equals("modelType") && header != null) {
                if (body != null && !body.asText().equals(header)) {
                    return failed(ApiResponses.error(400, "invalid_request", "modelType is \"" + body.asText()
                            + "\" in the body but \"" + header + "\" in " + MODEL_TYPE_HEADER, "modelType"));
                }
                body = folded.textNode(header);
            }
            if (body == null) {
                continue;
            }
            JsonNode inPayload = payload.get(field);
            if (inPayload != null && !inPayload.equals(body)) {
                return failed(ApiResponses.error(400, "invalid_request", field + " is " + body + " beside type but "
                        + inPayload + " in the payload", field));
            }
            payload.set(field, body);
        }
        return new AiRequestFields(folded, null);
    }

    boolean valid() {
        return error == null;
    }

    private static AiRequestFields failed(APIGatewayProxyResponseEvent error) {
        return new AiRequestFields(null, error);
    }
}
