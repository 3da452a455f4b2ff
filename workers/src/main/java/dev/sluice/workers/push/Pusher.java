package dev.sluice.workers.push;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.json.Json;
import dev.sluice.workers.notify.ConnectionsClient;
import dev.sluice.workers.notify.GoneException;
import java.nio.charset.StandardCharsets;

/** Sends a message to connections with {@code PostToConnection}; a connection that is gone (410) is forgotten. */
public final class Pusher {

    private final ConnectionsClient client;
    private final Connections connections;

    public Pusher(ConnectionsClient client, Connections connections) {
        this.client = client;
        this.connections = connections;
    }

    /** Pushes to one connection; false if it is gone, in which case its row is removed. */
    public boolean push(String connectionId, JsonNode message) {
        try {
            client.post(connectionId, Json.write(message).getBytes(StandardCharsets.UTF_8));
            return true;
        } catch (GoneException e) {
            connections.remove(connectionId);
            return false;
        }
    }
}
