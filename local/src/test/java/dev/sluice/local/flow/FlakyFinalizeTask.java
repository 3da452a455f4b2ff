package dev.sluice.local.flow;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.json.Json;
import dev.sluice.workers.config.Setting;
import dev.sluice.workers.idempotency.DynamoDbIdempotencyStore;
import dev.sluice.workers.idempotency.Idempotency;
import dev.sluice.workers.idempotency.IdempotencyConfig;
import dev.sluice.workers.ingest.DocumentPushes;
import dev.sluice.workers.ingest.FinalizeTask;
import dev.sluice.workers.ingest.IngestServices;
import dev.sluice.workers.push.Connections;
import dev.sluice.workers.push.ConnectionsApi;
import dev.sluice.workers.push.PushLog;
import dev.sluice.workers.push.Pusher;
import dev.sluice.workers.search.VectorIndexes;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The real finalize step, for an upload whose key holds {@code PUSH-500}, with an {@code @connections}
 * endpoint that answers every push with 500 (a real HTTP server on loopback); for one holding
 * {@code IDEMPOTENCY-DOWN}, with an idempotency table that does not exist. Everything else is real.
 */
public final class FlakyFinalizeTask implements RequestStreamHandler {

    private static HttpServer failingConnections;

    private final FinalizeTask real;
    private final FinalizeTask pushFails;
    private final FinalizeTask idempotencyDown;

    public FlakyFinalizeTask() {
        AwsClients aws = AwsClients.fromEnvironment();
        IngestServices services = IngestServices.fromEnvironment(aws);
        DynamoDbClient dynamoDb = aws.build(DynamoDbClient.builder(), "DYNAMODB");
        Connections connections = new Connections(dynamoDb, Setting.CONNECTIONS_TABLE.from(aws));
        PushLog pushLog = new PushLog(dynamoDb, Setting.PUSH_LOG_TABLE.from(aws));
        Idempotency once = new Idempotency(new DynamoDbIdempotencyStore(dynamoDb, Setting.IDEMPOTENCY_TABLE.from(aws)),
                "ingest", IdempotencyConfig.defaults(), services.clock());
        Idempotency missingTable = new Idempotency(new DynamoDbIdempotencyStore(dynamoDb, "no-such-table"), "ingest",
                IdempotencyConfig.defaults(), services.clock());
        ApiGatewayManagementApiClient answers500 = ApiGatewayManagementApiClient.builder()
                .endpointOverride(failingConnections()).region(aws.region()).credentialsProvider(aws.credentials())
                .httpClient(aws.httpClient()).build();
        ApiGatewayManagementApiClient live = ConnectionsApi.client(aws);
        this.real = new FinalizeTask(services, VectorIndexes.fromEnvironment(aws));
        this.pushFails = new FinalizeTask(with(services, new DocumentPushes(pushLog, connections,
                new Pusher(answers500, connections), once, services.clock())),
                VectorIndexes.fromEnvironment(aws));
        this.idempotencyDown = new FinalizeTask(with(services, new DocumentPushes(pushLog, connections,
                new Pusher(live, connections), missingTable, services.clock())),
                VectorIndexes.fromEnvironment(aws));
    }

    private static IngestServices with(IngestServices services, DocumentPushes pushes) {
        return new IngestServices(services.documents(), services.storage(), pushes, services.clock(),
                services.metrics());
    }

    private static synchronized URI failingConnections() {
        if (failingConnections == null) {
            try {
                failingConnections = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            failingConnections.createContext("/", exchange -> {
                exchange.getRequestBody().readAllBytes();
                byte[] body = "{\"message\":\"Internal server error\"}".getBytes();
                exchange.sendResponseHeaders(500, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            failingConnections.start();
        }
        return URI.create("http://127.0.0.1:" + failingConnections.getAddress().getPort() + "/local");
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        byte[] bytes = input.readAllBytes();
        String key = Json.parse(new String(bytes, java.nio.charset.StandardCharsets.UTF_8)).path("key").asText();
        FinalizeTask task = key.contains("PUSH-500") ? pushFails : key.contains("IDEMPOTENCY-DOWN") ? idempotencyDown
                : real;
        task.handleRequest(new ByteArrayInputStream(bytes), output, context);
    }
}
