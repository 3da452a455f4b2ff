package dev.sluice.workers.push;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.aws.AwsClients;
import dev.sluice.workers.config.Setting;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The {@link PushTarget} of a function: appends to the push log (one transaction), finds the
 * user's connections (one query, every time, so a client that reconnected meanwhile gets the
 * next message live) and posts to each.
 */
public final class NumberedPushes implements PushTarget {

    private static final Logger LOG = LoggerFactory.getLogger(NumberedPushes.class);

    private final PushLog pushLog;
    private final Connections connections;
    private final Pusher pusher;
    private final Clock clock;

    public NumberedPushes(PushLog pushLog, Connections connections, Pusher pusher, Clock clock) {
        this.pushLog = pushLog;
        this.connections = connections;
        this.pusher = pusher;
        this.clock = clock;
    }

    /** From PUSH_LOG_TABLE, CONNECTIONS_TABLE and WEBSOCKET_MANAGEMENT_URL. */
    public static NumberedPushes fromEnvironment(AwsClients aws) {
        DynamoDbClient dynamoDb = aws.build(DynamoDbClient.builder(), "DYNAMODB");
        Connections connections = new Connections(dynamoDb, Setting.CONNECTIONS_TABLE.from(aws));
        return new NumberedPushes(new PushLog(dynamoDb, Setting.PUSH_LOG_TABLE.from(aws)), connections,
                new Pusher(ConnectionsApi.client(aws), connections), Clock.systemUTC());
    }

    @Override
    public void push(String tenantId, String userId, ObjectNode message) {
        ObjectNode numbered = pushLog.append(tenantId, userId, message, clock.millis());
        List<Connection> open;
        try {
            open = connections.ofUser(tenantId, userId, clock.millis());
        } catch (RuntimeException e) {
            // Numbered is delivered enough: resume finds it. Throwing would have it numbered again.
            LOG.atError().setMessage("finding the user's connections failed; they can resume: " + e)
                    .addKeyValue("seq", numbered.get("seq").asText()).log();
            return;
        }
        for (Connection c : open) {
            try {
                pusher.push(c.connectionId(), numbered);
            } catch (RuntimeException e) {
                LOG.atError().setMessage("push to a connection failed; it can resume: " + e)
                        .addKeyValue("connectionId", c.connectionId()).addKeyValue("seq", numbered.get("seq").asText())
                        .log();
            }
        }
    }
}
