package dev.sluice.workers.notify;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.json.Json;
import dev.sluice.workers.config.Setting;
import dev.sluice.workers.idempotency.DynamoDbIdempotencyStore;
import dev.sluice.workers.idempotency.Idempotency;
import dev.sluice.workers.idempotency.IdempotencyConfig;
import dev.sluice.workers.logging.JsonLog;
import dev.sluice.workers.push.Connection;
import dev.sluice.workers.push.Connections;
import dev.sluice.workers.push.PushLog;
import dev.sluice.workers.push.PushMessages;
import dev.sluice.workers.push.Pusher;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Pushes every "Job Completed" / "Job Failed" event to the job's user: numbers it in the user's push
 * log (once per job and status, however often EventBridge delivers the event), then posts it to each
 * of the user's open connections. A user with no connection finds it later with {@code resume}.
 */
public final class Notifier implements RequestStreamHandler {

    private final Idempotency idempotency;
    private final PushLog pushLog;
    private final Connections connections;
    private final Pusher pusher;
    private final JsonLog log;
    private final Clock clock;

    public Notifier() {
        this(AwsClients.fromEnvironment());
    }

    private Notifier(AwsClients aws) {
        this(aws, aws.build(DynamoDbClient.builder(), "DYNAMODB"));
    }

    private Notifier(AwsClients aws, DynamoDbClient dynamoDb) {
        this(new Idempotency(new DynamoDbIdempotencyStore(dynamoDb, Setting.IDEMPOTENCY_TABLE.from(aws)), "notifier",
                        IdempotencyConfig.defaults(), Clock.systemUTC()),
                new PushLog(dynamoDb, Setting.PUSH_LOG_TABLE.from(aws)),
                new Connections(dynamoDb, Setting.CONNECTIONS_TABLE.from(aws)),
                connectionsClient(aws), new JsonLog(System.out), Clock.systemUTC());
    }

    public Notifier(Idempotency idempotency, PushLog pushLog, Connections connections, ConnectionsClient client,
            JsonLog log, Clock clock) {
        this.idempotency = idempotency;
        this.pushLog = pushLog;
        this.connections = connections;
        this.pusher = new Pusher(client, connections);
        this.log = log;
        this.clock = clock;
    }

    /** The @connections client of the WebSocket API named by WEBSOCKET_MANAGEMENT_URL. */
    public static ConnectionsClient connectionsClient(AwsClients aws) {
        return new ConnectionsClient(URI.create(Setting.WEBSOCKET_MANAGEMENT_URL.from(aws)), aws.region(),
                aws.credentials(), aws.httpClient());
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode event = Json.MAPPER.readTree(input);
        JsonNode detail = event.get("detail");
        String tenantId = detail.get("tenantId").asText();
        String userId = detail.path("userId").asText(tenantId);
        String jobId = detail.get("jobId").asText();
        ObjectNode message;
        try {
            message = idempotency.once("push#" + tenantId + "#" + jobId + "#" + detail.get("status").asText(), null,
                    context, ObjectNode.class, () -> pushLog.append(tenantId, userId,
                            PushMessages.fromJobEvent(detail, event.path("time").asText()), clock.millis()));
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        int delivered = 0;
        for (Connection c : connections.ofUser(tenantId, userId, clock.millis())) {
            if (pusher.push(c.connectionId(), message)) {
                delivered++;
            }
        }
        log.info("pushed " + message.get("type").asText(), context, Map.of("jobId", jobId, "tenantId", tenantId,
                        "seq", message.get("seq").asText(), "connections", Integer.toString(delivered)));
        output.write(Json.write(Map.of("seq", message.get("seq").asLong(), "delivered", delivered))
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
