package dev.sluice.workers.push;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.json.Json;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.GoneException;

/** Sends a message to connections with {@code PostToConnection}; a connection that is gone (410) is forgotten. */
public final class Pusher {

    private final ApiGatewayManagementApiClient client;
    private final Connections connections;

    public Pusher(ApiGatewayManagementApiClient client, Connections connections) {
        this.client = client;
        this.connections = connections;
    }

    /**
     * Pushes to one connection; false if it is gone, in which case its row is removed.
     *
     * @throws software.amazon.awssdk.core.exception.SdkException when the post failed otherwise (after
     *     the SDK's retries of throttling and server errors)
     */
    public boolean push(String connectionId, JsonNode message) {
        try {
            client.postToConnection(b -> b.connectionId(connectionId).data(SdkBytes.fromUtf8String(Json.write(message))));
            return true;
        } catch (GoneException e) {
            connections.remove(connectionId);
            return false;
        }
    }
}
