package dev.sluice.workers.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.json.Json;
import dev.sluice.core.schema.Schemas;
import dev.sluice.core.topology.Definitions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** ai.request's fields beside type, and header X-Model-Type, checked by the envelope schema and folded into the payload. */
class AiRequestFieldsTest {

    private static final Schemas SCHEMAS = Definitions.bundledSchemas();

    @Test
    void theEnvelopeFieldsMoveIntoThePayload() throws IOException {
        AiRequestFields folded = submit(envelope(), null);

        assertThat(folded.valid()).isTrue();
        assertThat(folded.request().has("modelType") || folded.request().has("stream")).isFalse();
        JsonNode payload = folded.request().get("payload");
        assertThat(payload.get("modelType").asText()).isEqualTo("haiku");
        assertThat(payload.get("stream").asBoolean()).isTrue();
        assertThat(payload.get("useDocuments").asBoolean()).isTrue();
        assertThat(SCHEMAS.validate("jobs/ai.request", payload)).isEmpty();
    }

    @Test
    void theHeaderSetsTheModelTypeAndAgreeingWithTheBodyIsFine() throws IOException {
        ObjectNode body = envelope();
        body.remove("modelType");

        assertThat(submit(body, "opus").request().at("/payload/modelType").asText()).isEqualTo("opus");
        assertThat(submit(envelope(), "haiku").request().at("/payload/modelType").asText()).isEqualTo("haiku");
    }

    @Test
    void aHeaderThatDisagreesWithTheBodyIs400NamingModelType() throws IOException {
        APIGatewayProxyResponseEvent error = submit(envelope(), "sonnet").error();

        assertThat(error.getStatusCode()).isEqualTo(400);
        assertThat(Json.parse(error.getBody()).get("error")).isEqualTo(Json.parse("""
                {"code": "invalid_request", "field": "modelType",
                 "message": "modelType is \\"haiku\\" in the body but \\"sonnet\\" in X-Model-Type"}
                """));
    }

    @Test
    void aPayloadModelTypeThatDisagreesWithTheEnvelopeIs400NamingModelType() throws IOException {
        ObjectNode body = envelope();
        ((ObjectNode) body.get("payload")).put("modelType", "opus");

        JsonNode error = Json.parse(submit(body, null).error().getBody()).get("error");

        assertThat(error.get("field").asText()).isEqualTo("modelType");
    }

    @Test
    void anUnknownModelTypeIs400NamingIt() throws IOException {
        JsonNode header = Json.parse(submit(envelope(), "gpt-9").error().getBody()).get("error");
        ObjectNode body = envelope().put("modelType", "gpt-9");
        JsonNode inBody = Json.parse(submit(body, null).error().getBody()).get("error");

        assertThat(header.get("field").asText()).isEqualTo("X-Model-Type");
        assertThat(header.get("message").asText()).contains("\"gpt-9\"", "haiku, sonnet, opus");
        assertThat(inBody.get("field").asText()).isEqualTo("modelType");
        assertThat(inBody.get("message").asText()).contains("haiku");
    }

    @Test
    void theFieldsAndTheHeaderAreAiRequestsOnly() {
        String email = "{\"type\":\"email.send\",\"modelType\":\"haiku\",\"payload\":{\"userId\":\"u-1\","
                + "\"to\":\"ada@example.com\",\"templateId\":\"welcome\",\"data\":{},\"priority\":\"normal\","
                + "\"timestamp\":1795342532990}}";
        JsonNode bodyError = Json.parse(JsonRequest.parse(email.getBytes(StandardCharsets.UTF_8), SCHEMAS,
                "jobs/envelope").error().getBody()).get("error");
        ObjectNode valid = (ObjectNode) Json.parse(email);
        valid.remove("modelType");

        assertThat(bodyError.get("field").asText()).isEqualTo("modelType");
        assertThat(AiRequestFields.fold(valid, "haiku").error().getStatusCode()).isEqualTo(400);
        assertThat(AiRequestFields.fold(valid, null).request()).isEqualTo(valid);
    }

    private static AiRequestFields submit(JsonNode body, String header) {
        JsonRequest parsed = JsonRequest.parse(Json.write(body).getBytes(StandardCharsets.UTF_8), SCHEMAS,
                "jobs/envelope");
        return parsed.valid() ? AiRequestFields.fold(parsed.body(), header)
                : new AiRequestFields(null, parsed.error());
    }

    private static ObjectNode envelope() throws IOException {
        try (InputStream in = AiRequestFieldsTest.class.getResourceAsStream("/jobs/ai-request-envelope.json")) {
            return (ObjectNode) Json.MAPPER.readTree(in);
        }
    }
}
