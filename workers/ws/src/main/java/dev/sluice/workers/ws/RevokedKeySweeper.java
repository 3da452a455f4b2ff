package dev.sluice.workers.ws;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.json.Json;
import dev.sluice.core.keys.ApiKeys;
import dev.sluice.workers.config.Setting;
import dev.sluice.workers.logging.LogContext;
import dev.sluice.workers.priming.Priming;
import dev.sluice.workers.push.Connection;
import dev.sluice.workers.push.Connections;
import dev.sluice.workers.push.ConnectionsApi;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.GoneException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Runs on a schedule and ends the WebSocket connections whose API key was revoked. API Gateway
 * authorizes a connection only at {@code $connect} and keeps it open up to 2 hours; with this sweep
 * every minute, a revoked key's connections end within a minute or two, well inside the HTTP
 * authorizer's 5-minute cache that bounds the key's other requests. Each is closed with
 * {@code DeleteConnection} (API Gateway then runs {@code $disconnect}); its row is removed here too,
 * since {@code $disconnect} is best effort, and so is the row of a connection already gone (410).
 */
public final class RevokedKeySweeper implements RequestStreamHandler {

    private static final Logger LOG = LoggerFactory.getLogger(RevokedKeySweeper.class);

    private final ApiKeys keys;
    private final Connections connections;
    private final ApiGatewayManagementApiClient management;

    public RevokedKeySweeper() {
        this(AwsClients.fromEnvironment());
    }

    private RevokedKeySweeper(AwsClients aws) {
        this(aws, aws.build(DynamoDbClient.builder(), "DYNAMODB"));
        Priming.of(RevokedKeySweeper.class, aws).register(this);
    }

    private RevokedKeySweeper(AwsClients aws, DynamoDbClient dynamoDb) {
        this(new ApiKeys(dynamoDb, Setting.API_KEYS_TABLE.from(aws)),
                new Connections(dynamoDb, Setting.CONNECTIONS_TABLE.from(aws)), ConnectionsApi.client(aws));
    }

    public RevokedKeySweeper(ApiKeys keys, Connections connections, ApiGatewayManagementApiClient management) {
        this.keys = keys;
        this.connections = connections;
        this.management = management;
    }

    /** What one sweep did: connections closed, found gone already, and failed to close (tried again next time). */
    public record Sweep(int closed, int gone, int errors) {
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        try (LogContext invocation = LogContext.invocation(context)) {
            Sweep sweep = sweep();
            LOG.atInfo().setMessage("revoked keys' connections swept").addKeyValue("closed", sweep.closed())
                    .addKeyValue("gone", sweep.gone()).addKeyValue("errors", sweep.errors()).log();
            output.write(Json.write(sweep).getBytes(StandardCharsets.UTF_8));
        }
    }

    public Sweep sweep() {
        Set<String> revoked = keys.revokedKeyIds();
        int closed = 0;
        int gone = 0;
        int errors = 0;
        for (Connection c : connections.openedWith(revoked)) {
            try {
                management.deleteConnection(b -> b.connectionId(c.connectionId()));
                closed++;
            } catch (GoneException e) {
                gone++;
            } catch (RuntimeException e) {
                // The row stays: the next sweep tries again.
                errors++;
                LOG.atError().setMessage("closing a revoked key's connection failed: " + e)
                        .addKeyValue("connectionId", c.connectionId()).addKeyValue("tenantId", c.tenantId())
                        .addKeyValue("keyId", c.keyId()).log();
                continue;
            }
            connections.remove(c.connectionId());
        }
        return new Sweep(closed, gone, errors);
    }
}
