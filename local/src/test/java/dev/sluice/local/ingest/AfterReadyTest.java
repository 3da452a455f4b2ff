package dev.sluice.local.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.core.documents.DocumentStatus;
import dev.sluice.core.documents.DocumentStore;
import dev.sluice.core.json.Json;
import dev.sluice.core.search.IndexedChunk;
import dev.sluice.core.topology.Definitions;
import dev.sluice.local.LocalRuntime;
import dev.sluice.local.dynamodb.LocalTables;
import dev.sluice.local.metrics.LocalMetrics;
import dev.sluice.local.s3.LocalS3;
import dev.sluice.local.support.Scraped;
import dev.sluice.workers.idempotency.DynamoDbIdempotencyStore;
import dev.sluice.workers.idempotency.Idempotency;
import dev.sluice.workers.idempotency.IdempotencyConfig;
import dev.sluice.workers.ingest.DocumentPushes;
import dev.sluice.workers.ingest.FinalizeTask;
import dev.sluice.workers.ingest.IngestServices;
import dev.sluice.workers.ingest.IngestStorage;
import dev.sluice.workers.ingest.MarkFailedTask;
import dev.sluice.workers.lucene.LuceneVectorIndex;
import dev.sluice.workers.push.Connection;
import dev.sluice.workers.push.Connections;
import dev.sluice.workers.push.PushLog;
import dev.sluice.workers.push.Pusher;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The end steps once a document is READY, against DynamoDB Local, S3Proxy and a Lucene index, with a
 * WebSocket {@code @connections} endpoint (a loopback HTTP server) that answers every push with 500:
 * nothing after READY may undo it.
 */
class AfterReadyTest {

    private static final StaticCredentialsProvider LOCAL = StaticCredentialsProvider.create(LocalRuntime.CREDENTIALS);
    private static final String TENANT = "acme";
    private static final String DOCUMENT = "6f1c2b0e-3d4a-5b6c-8d7e-9f0a1b2c3d4e";
    private static final String VERSION = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";

    @TempDir
    static Path shared;
    @TempDir
    Path dir;

    private static LocalS3 s3Server;
    private static S3Client s3;
    private static HttpServer connectionsEndpoint;
    private static LocalMetrics agent;
    private static final AtomicInteger PUSH_ATTEMPTS = new AtomicInteger();

    private AmazonDynamoDBLocal dynamoDbLocal;
    private DynamoDbClient dynamoDb;
    private LuceneVectorIndex index;
    private DocumentStore documents;
    private PushLog pushLog;
    /** What the steps log, caught at logback: the lines a function's log file would get. */
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private IngestServices services;

    @BeforeAll
    static void startServers() throws Exception {
        s3Server = LocalS3.start(shared.resolve("s3"), Definitions.bundled().topology().buckets(), "000000000000",
                (bus, source, type, detail, resources) -> { }, LocalRuntime.CREDENTIALS);
        s3 = S3Client.builder().endpointOverride(s3Server.endpoint()).region(Region.US_EAST_1).credentialsProvider(LOCAL)
                .forcePathStyle(true).build();
        connectionsEndpoint = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        connectionsEndpoint.createContext("/", exchange -> {
            PUSH_ATTEMPTS.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        connectionsEndpoint.start();
        agent = LocalMetrics.start();
    }

    @AfterAll
    static void stopServers() {
        agent.close();
        connectionsEndpoint.stop(0);
        s3.close();
        s3Server.close();
    }

    @BeforeEach
    void start() throws Exception {
        dynamoDbLocal = DynamoDBEmbedded.create(true);
        dynamoDb = dynamoDbLocal.dynamoDbClient();
        LocalTables.create(dynamoDb, Definitions.bundled().topology().tables());
        index = LuceneVectorIndex.open(dir.resolve("index"), 4);
        documents = new DocumentStore(dynamoDb, "sluice-documents");
        pushLog = new PushLog(dynamoDb, "sluice-push-log");
        Connections connections = new Connections(dynamoDb, "sluice-connections");
        connections.put(new Connection("conn-1", TENANT, "ada", System.currentTimeMillis()));
        ApiGatewayManagementApiClient answers500 = ApiGatewayManagementApiClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + connectionsEndpoint.getAddress().getPort() + "/local"))
                .region(Region.US_EAST_1).credentialsProvider(LOCAL).httpClient(UrlConnectionHttpClient.create()).build();
        logged.start();
        ((Logger) LoggerFactory.getLogger(DocumentPushes.class)).addAppender(logged);
        Clock clock = Clock.systemUTC();
        Idempotency once = new Idempotency(new DynamoDbIdempotencyStore(dynamoDb, "sluice-idempotency"), "ingest",
                IdempotencyConfig.defaults(), clock);
        services = new IngestServices(documents, new IngestStorage(s3, "sluice-payloads"),
                new DocumentPushes(pushLog, connections, new Pusher(answers500, connections), once, clock),
                clock, Scraped.metricsOf("ingest-finalize", agent));
        documents.startProcessing(TENANT, DOCUMENT, "ada", "sluice-documents", "acme/handbook.txt", VERSION,
                "arn:aws:states:us-east-1:000000000000:execution:ingest-document:x", 52, clock.millis());
        index.upsert(List.of(new IndexedChunk(TENANT, DOCUMENT, VERSION, "acme/handbook.txt", 0, 0, 52, null,
                List.of(), "Holidays are thirty days a year, taken in blocks.", new float[] {1, 0, 0, 0})));
    }

    @AfterEach
    void stop() {
        ((Logger) LoggerFactory.getLogger(DocumentPushes.class)).detachAppender(logged);
        index.close();
        dynamoDbLocal.shutdown();
    }

    @Test
    void finalizeSucceedsWhenTheReadyPushFailsAndStillNumbersTheMessage() throws Exception {
        int attemptsBefore = PUSH_ATTEMPTS.get();

        JsonNode result = run(new FinalizeTask(services, index), "finalize.json");

        assertThat(result.get("status").asText()).isEqualTo("READY");
        assertThat(PUSH_ATTEMPTS.get()).as("PostToConnection attempts").isGreaterThan(attemptsBefore);
        assertThat(documents.get(TENANT, DOCUMENT).orElseThrow().status()).isEqualTo(DocumentStatus.READY);
        assertThat(index.search(TENANT, new float[] {1, 0, 0, 0}, 5)).hasSize(1);
        assertThat(pushLog.after(TENANT, "ada", 0, 10, System.currentTimeMillis()))
                .extracting(m -> m.get("type").asText()).containsExactly("document.ready");
        assertThat(logged.list).anySatisfy(line -> {
            assertThat(line.getFormattedMessage()).contains("push failed");
            assertThat(String.valueOf(line.getKeyValuePairs())).contains("conn-1");
        });
    }

    @Test
    void markFailedLeavesADocumentItsUploadMadeReadyAlone() throws Exception {
        assertThat(documents.markReady(TENANT, DOCUMENT, VERSION, "text", 1, System.currentTimeMillis())).isTrue();

        JsonNode result = run(new MarkFailedTask(services, index), "mark-failed-after-ready.json");

        assertThat(result.get("status").asText()).isEqualTo("READY");
        var row = documents.get(TENANT, DOCUMENT).orElseThrow();
        assertThat(row.status()).isEqualTo(DocumentStatus.READY);
        assertThat(row.errorCode()).isNull();
        assertThat(index.search(TENANT, new float[] {1, 0, 0, 0}, 5)).as("the READY document's chunks").hasSize(1);
        assertThat(pushLog.after(TENANT, "ada", 0, 10, System.currentTimeMillis())).isEmpty();
    }

    @Test
    void theStoreRefusesToFailAReadyVersionButStillFailsAProcessingOne() {
        long now = System.currentTimeMillis();
        assertThat(documents.markFailed(TENANT, DOCUMENT, "ada", "sluice-documents", "acme/handbook.txt", VERSION,
                "timeout", "a step timed out", now)).as("PROCESSING -> FAILED").isTrue();
        assertThat(documents.markReady(TENANT, DOCUMENT, VERSION, "text", 1, now)).as("a redrive -> READY").isTrue();

        assertThat(documents.markFailed(TENANT, DOCUMENT, "ada", "sluice-documents", "acme/handbook.txt", VERSION,
                "timeout", "a step timed out", now)).as("READY -> FAILED").isFalse();
        assertThat(documents.get(TENANT, DOCUMENT).orElseThrow().status()).isEqualTo(DocumentStatus.READY);
    }

    private static JsonNode run(RequestStreamHandler task, String fixture)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = AfterReadyTest.class.getResourceAsStream("/ingest/" + fixture)) {
            task.handleRequest(in, out, new TestContext());
        }
        return Json.parse(out.toString(StandardCharsets.UTF_8));
    }

    private record TestContext() implements Context {
        @Override public String getAwsRequestId() { return "req-1"; }
        @Override public String getLogGroupName() { return "/aws/lambda/ingest"; }
        @Override public String getLogStreamName() { return "test"; }
        @Override public String getFunctionName() { return "ingest-finalize"; }
        @Override public String getFunctionVersion() { return "$LATEST"; }
        @Override public String getInvokedFunctionArn() { return "arn:aws:lambda:us-east-1:000000000000:function:ingest"; }
        @Override public CognitoIdentity getIdentity() { return null; }
        @Override public ClientContext getClientContext() { return null; }
        @Override public int getRemainingTimeInMillis() { return 60_000; }
        @Override public int getMemoryLimitInMB() { return 512; }
        @Override public LambdaLogger getLogger() { return null; }
    }
}
