package dev.sluice.workers.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.json.Json;
import dev.sluice.workers.ai.templates.PromptTemplates;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplatesApiTest {

    private final TemplatesApi api = new TemplatesApi(PromptTemplates.bundled());

    @Test
    void aTemplateShowsItsVersionsAndTheLatestText() {
        APIGatewayProxyResponseEvent response = api.get("magicSpark", Map.of());

        assertThat(response.getStatusCode()).isEqualTo(200);
        JsonNode body = Json.parse(response.getBody());
        assertThat(body.get("versions")).isEqualTo(Json.parse("[1, 2]"));
        assertThat(body.get("latest").asInt()).isEqualTo(2);
        assertThat(body.get("version").asInt()).isEqualTo(2);
        assertThat(body.get("user").asText()).contains("{{input}}", "{{#audience}}");
        assertThat(body.get("system").asText()).contains("Magic Spark");
    }

    @Test
    void aVersionCanBeAskedFor() {
        JsonNode body = Json.parse(api.get("magicSpark", Map.of("version", "1")).getBody());

        assertThat(body.get("version").asInt()).isEqualTo(1);
        assertThat(body.get("user").asText()).doesNotContain("audience");
    }

    @Test
    void aMissingNameOrVersionIs404AndABadVersion400() {
        APIGatewayProxyResponseEvent noName = api.get("poetBot", Map.of());
        APIGatewayProxyResponseEvent noVersion = api.get("magicSpark", Map.of("version", "7"));
        APIGatewayProxyResponseEvent bad = api.get("magicSpark", Map.of("version", "latest"));

        assertThat(noName.getStatusCode()).isEqualTo(404);
        assertThat(Json.parse(noName.getBody()).at("/error/field").asText()).isEqualTo("name");
        assertThat(noVersion.getStatusCode()).isEqualTo(404);
        assertThat(Json.parse(noVersion.getBody()).at("/error/message").asText())
                .isEqualTo("no version 7 of prompt template magicSpark; its versions are [1, 2]");
        assertThat(bad.getStatusCode()).isEqualTo(400);
        assertThat(Json.parse(bad.getBody()).at("/error/field").asText()).isEqualTo("version");
    }
}
