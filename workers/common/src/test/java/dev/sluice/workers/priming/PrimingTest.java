package dev.sluice.workers.priming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.sun.net.httpserver.HttpServer;
import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.schema.Schemas;
import dev.sluice.core.topology.Definitions;
import dev.sluice.workers.config.S3Access;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Priming against a loopback server that records every request it gets, standing where each
 * client's endpoint and the container credentials endpoint would be: it must get none.
 */
class PrimingTest {

    /** A handler type whose fixture is test resource priming/PrimedHandler.json (an SQS event). */
    static final class PrimedHandler {
    }

    /** A handler type with no fixture anywhere. */
    static final class Unfixtured {
    }

    private static Schemas schemas;
    private HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void loadSchemas() {
        schemas = Definitions.bundledSchemas();
    }

    @BeforeEach
    void startRecorder() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
            exchange.getRequestBody().readAllBytes();
            byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopRecorder() {
        server.stop(0);
    }

    private String recorder() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private AwsClients aws(boolean withKeys) {
        Map<String, String> env = new HashMap<>(Map.of("AWS_REGION", "us-east-1", "AWS_ENDPOINT_URL", recorder(),
                "AWS_LAMBDA_FUNCTION_NAME", "primed"));
        if (withKeys) {
            env.put("AWS_ACCESS_KEY_ID", "AKIDFUNCTIONKEY");
            env.put("AWS_SECRET_ACCESS_KEY", "function-secret");
        }
        return new AwsClients(env);
    }

    @Test
    void warmsTheFixtureTheSchemaAndEveryClientAndSendsNothing() {
        AwsClients aws = aws(true);
        List<String> signed = new CopyOnWriteArrayList<>();
        ExecutionInterceptor seen = new ExecutionInterceptor() {
            @Override
            public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                signed.add(context.httpRequest().method() + " "
                        + context.httpRequest().firstMatchingHeader("Authorization").orElse("unsigned"));
            }
        };
        aws.build(DynamoDbClient.builder().overrideConfiguration(o -> o.addExecutionInterceptor(seen)), "DYNAMODB");
        aws.build(SqsClient.builder(), "SQS");
        S3Access.client(aws);
        aws.build(EventBridgeClient.builder(), "EVENTBRIDGE");
        aws.build(ApiGatewayManagementApiClient.builder(), URI.create(recorder() + "/dev"));
        aws.build(SesV2Client.builder(), "SESV2");
        aws.build(SfnClient.builder(), "SFN");
        aws.build(BedrockRuntimeClient.builder(), "BEDROCK_RUNTIME");

        Priming priming = Priming.of(PrimedHandler.class, aws)
                .validate("/Records/0/body", schemas, "events/job-submitted").register(new PrimedHandler());
        Priming.Report report = priming.prime();

        assertThat(report.failed()).isEmpty();
        assertThat(report.ran()).containsExactly("json /priming/PrimedHandler.json", "schema events/job-submitted",
                "sdk dynamodb", "sdk sqs", "sdk s3", "sdk events", "sdk execute-api", "sdk ses", "sdk states",
                "sdk bedrock");
        // Marshalled and signed, four DynamoDB operations, with priming's placeholder key and never the function's.
        assertThat(signed).hasSize(4)
                .allSatisfy(line -> assertThat(line).startsWith("POST AWS4-HMAC-SHA256 Credential=AKIDSLUICEPRIMING/"));
        assertThat(requests).as("requests that reached the loopback endpoint").isEmpty();
    }

    @Test
    void neverResolvesTheClientsOwnCredentials() {
        // No keys in the function's environment: the client resolves credentials as on SnapStart, from the
        // container credentials endpoint, here the recorder. EC2 metadata is off so no lookup leaves loopback.
        assumeThat(System.getenv("AWS_ACCESS_KEY_ID")).as("no credentials in the process environment").isNull();
        Map<String, String> saved = new HashMap<>();
        for (String p : List.of("aws.containerCredentialsFullUri", "aws.disableEc2Metadata", "aws.profileFile",
                "aws.sharedCredentialsFile", "aws.configFile")) {
            saved.put(p, System.getProperty(p));
        }
        System.setProperty("aws.containerCredentialsFullUri", recorder() + "/credentials");
        System.setProperty("aws.disableEc2Metadata", "true");
        System.setProperty("aws.sharedCredentialsFile", "/nonexistent/credentials");
        System.setProperty("aws.configFile", "/nonexistent/config");
        try {
            AwsClients aws = aws(false);
            DynamoDbClient dynamoDb = aws.build(DynamoDbClient.builder(), "DYNAMODB");
            Priming priming = Priming.of(PrimedHandler.class, aws).register(new PrimedHandler());

            assertThat(priming.prime().failed()).isEmpty();
            assertThat(requests).isEmpty();

            // The same client, asked for real, does fetch them: the recorder would have seen priming do it.
            assertThatCode(() -> dynamoDb.getItem(b -> b.tableName("t").key(Map.of("pk", AttributeValue.fromS("k")))))
                    .isNotNull();
            assertThat(requests).contains("GET /credentials");
        } finally {
            saved.forEach((p, v) -> {
                if (v == null) {
                    System.clearProperty(p);
                } else {
                    System.setProperty(p, v);
                }
            });
        }
    }

    @Test
    void aFailingWarmUpIsLoggedAndTheOthersStillRun() {
        AtomicInteger after = new AtomicInteger();
        Priming priming = Priming.of(Unfixtured.class, aws(true))
                .step("throws", () -> {
                    throw new IllegalStateException("warm-up broke");
                })
                .step("missing class", () -> {
                    throw new NoClassDefFoundError("com/example/Missing");
                })
                .step("counted", after::incrementAndGet)
                .register(new Unfixtured());

        assertThatCode(() -> priming.beforeCheckpoint(null)).doesNotThrowAnyException();
        assertThat(after).hasValue(1);

        Priming.Report report = priming.prime();
        assertThat(report.ran()).containsExactly("counted");
        assertThat(report.failed()).containsOnlyKeys("json /priming/Unfixtured.json", "throws", "missing class");
        assertThat(report.failed().get("json /priming/Unfixtured.json")).contains("is not on the class path");
        assertThat(after).hasValue(2);
    }

    @Test
    void aFixtureThatIsNotValidAgainstItsSchemaIsReported() {
        Priming priming = Priming.of(PrimedHandler.class, aws(true))
                .validate("/Records/0/body", schemas, "events/job-completed")
                .validate("/Records/0/nothing", schemas, "events/job-submitted")
                .register(new PrimedHandler());

        Priming.Report report = priming.prime();

        assertThat(report.failed()).containsOnlyKeys("schema events/job-completed", "schema events/job-submitted");
        assertThat(report.failed().get("schema events/job-completed")).contains("is not a valid events/job-completed");
        assertThat(report.failed().get("schema events/job-submitted")).contains("has nothing at /Records/0/nothing");
    }

    @Test
    void aPrimingIsFoundByItsHandlerAndOnlyThere() {
        PrimedHandler handler = new PrimedHandler();
        Priming priming = Priming.of(PrimedHandler.class, aws(true)).register(handler);

        assertThat(Priming.registeredFor(handler)).containsSame(priming);
        assertThat(Priming.registeredFor(new PrimedHandler())).isEmpty();
    }
}
