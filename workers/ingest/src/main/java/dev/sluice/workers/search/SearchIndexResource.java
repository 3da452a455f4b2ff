package dev.sluice.workers.search;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The onEvent handler of the search index custom resource (CDK's Provider framework): checks the
 * properties of a Create or Update and names the resource; {@link SearchIndexReadiness}, its
 * isComplete handler, then waits for the store and creates the index. A Delete returns at once and
 * leaves the index: the collection's or domain's own removal policy decides about the data.
 */
public final class SearchIndexResource implements RequestStreamHandler {

    /** Calls nothing: the work that needs the store is isComplete's. */
    public SearchIndexResource() {
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        CustomResourceEvent event = CustomResourceEvent.read(input);
        String physicalResourceId = switch (event.requestType()) {
            case Create, Update -> SearchIndexProperties.of(event.properties()).physicalResourceId();
            // Never checked: a Delete must pass even for properties an older build wrote.
            case Delete -> event.physicalResourceId();
        };
        ObjectNode response = Json.object().put("PhysicalResourceId", physicalResourceId);
        Json.MAPPER.writeValue(output, response);
    }
}
