package dev.sluice.workers.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.json.Json;
import dev.sluice.workers.ai.templates.PromptTemplate;
import dev.sluice.workers.ai.templates.PromptTemplates;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code GET /v1/templates/{name}?version=}: a prompt template's versions and one version's text (the latest by default). */
final class TemplatesApi {

    private final PromptTemplates templates;

    TemplatesApi(PromptTemplates templates) {
        this.templates = templates;
    }

    APIGatewayProxyResponseEvent get(String name, Map<String, String> query) {
        Integer version = null;
        if (query.containsKey("version")) {
            String v = query.get("version");
            if (v == null || !v.matches("[1-9][0-9]{0,8}")) {
                return ApiResponses.error(400, "invalid_parameter", "version must be a whole number from 1", "version");
            }
            version = Integer.parseInt(v);
        }
        List<Integer> versions = name == null ? List.of() : templates.versions(name);
        if (versions.isEmpty()) {
            return ApiResponses.error(404, "not_found", "no prompt template " + name, "name");
        }
        Optional<PromptTemplate> template = templates.find(name, version);
        if (template.isEmpty()) {
            return ApiResponses.error(404, "not_found", "no version " + version + " of prompt template " + name
                    + "; its versions are " + versions, "version");
        }
        ObjectNode body = Json.object();
        body.put("name", name);
        versions.forEach(body.putArray("versions")::add);
        body.put("latest", versions.get(versions.size() - 1));
        body.put("version", template.get().version());
        if (template.get().system() != null) {
            body.put("system", template.get().system());
        } else {
            body.putNull("system");
        }
        body.put("user", template.get().user());
        return ApiResponses.json(200, body);
    }
}
