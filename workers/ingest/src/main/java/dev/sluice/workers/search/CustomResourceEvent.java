package dev.sluice.workers.search;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.json.Json;
import java.io.IOException;
import java.io.InputStream;

/**
 * What the CDK Provider framework hands a custom resource's onEvent and isComplete handlers: the
 * CloudFormation request (for isComplete merged with what onEvent returned). Only the fields these
 * handlers read.
 *
 * @param physicalResourceId absent (null) on Create's onEvent
 * @param properties {@code ResourceProperties}, every value a string as CloudFormation sends them
 */
record CustomResourceEvent(RequestType requestType, String physicalResourceId, JsonNode properties) {

    enum RequestType { Create, Update, Delete }

    static CustomResourceEvent read(InputStream in) throws IOException {
        JsonNode event = Json.MAPPER.readTree(in);
        String type = event.path("RequestType").asText();
        RequestType requestType;
        try {
            requestType = RequestType.valueOf(type);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("RequestType must be Create, Update or Delete, not \"" + type + "\"");
        }
        JsonNode id = event.get("PhysicalResourceId");
        return new CustomResourceEvent(requestType, id == null || id.isNull() ? null : id.asText(),
                event.path("ResourceProperties"));
    }
}
