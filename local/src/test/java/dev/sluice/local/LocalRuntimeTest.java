package dev.sluice.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.json.Json;
import dev.sluice.core.schema.Schemas;
import dev.sluice.core.topology.Definitions;
import dev.sluice.core.topology.FunctionSpec;
import dev.sluice.core.topology.Profile;
import dev.sluice.core.topology.ResourceKind;
import dev.sluice.core.topology.Topology;
import dev.sluice.core.topology.Use;
import dev.sluice.local.events.EventArchive;
import dev.sluice.local.support.Clients;
import dev.sluice.local.support.TestTopology;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/** Start-up, restart and shutdown of the whole runtime, and each endpoint answering the stock SDK client. */
class LocalRuntimeTest {

    @TempDir
    Path state;

    @Test
    void eachEndpointAnswersTheStockSdkClientAndStateSurvivesARestart() throws Exception {
        try (LocalRuntime runtime = LocalRuntime.start(TestTopology.create(), state, LocalRuntime.Options.defaults());
                DynamoDbClient dynamodb = Clients.dynamodb(runtime.endpoints());
                S3Client s3 = Clients.s3(runtime.endpoints());
                SqsClient sqs = Clients.sqs(runtime.endpoints());
                EventBridgeClient events = Clients.events(runtime.endpoints())) {
            dynamodb.createTable(b -> b.tableName("jobs")
                    .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH))
                    .attributeDefinitions(d -> d.attributeName("pk").attributeType(ScalarAttributeType.S))
                    .billingMode("PAY_PER_REQUEST"));
            dynamodb.putItem(b -> b.tableName("jobs").item(Map.of("pk", AttributeValue.fromS("job-1"),
                    "status", AttributeValue.fromS("QUEUED"))));
            s3.putObject(b -> b.bucket("test-documents").key("acme/a.txt"), RequestBody.fromString("hello"));
            s3.putObject(b -> b.bucket("test-documents").key("acme/b.txt"), RequestBody.fromString("bye"));
            s3.deleteObject(b -> b.bucket("test-documents").key("acme/b.txt"));
            // S3's events, as they reach the default bus, satisfy the schemas the rules are written against.
            Schemas schemas = Definitions.bundled().schemas();
            List<JsonNode> s3Events = new EventArchive(state.resolve("events/archive")).events("default").stream()
                    .map(Json::parse).toList();
            assertThat(s3Events).extracting(ev -> ev.get("detail-type").asText())
                    .containsExactly("Object Created", "Object Created", "Object Deleted");
            assertThat(schemas.validate("events/s3-object-created", s3Events.get(0))).isEmpty();
            assertThat(schemas.validate("events/s3-object-deleted", s3Events.get(2))).isEmpty();
            assertThat(sqs.listQueues().queueUrls()).hasSize(6);
            assertThat(events.listEventBuses(b -> { }).eventBuses()).hasSize(2);
        }
        assertThat(state.resolve(Endpoints.FILE)).doesNotExist();

        try (LocalRuntime runtime = LocalRuntime.start(TestTopology.create(), state, LocalRuntime.Options.defaults());
                DynamoDbClient dynamodb = Clients.dynamodb(runtime.endpoints());
                S3Client s3 = Clients.s3(runtime.endpoints())) {
            assertThat(dynamodb.getItem(b -> b.tableName("jobs").key(Map.of("pk", AttributeValue.fromS("job-1"))))
                    .item().get("status").s()).isEqualTo("QUEUED");
            assertThat(s3.getObjectAsBytes(b -> b.bucket("test-documents").key("acme/a.txt")).asUtf8String())
                    .isEqualTo("hello");
        }
    }

    @Test
    void everyServiceListensOnLoopbackOnly() throws Exception {
        try (LocalRuntime runtime = LocalRuntime.start(TestTopology.create(), state, LocalRuntime.Options.defaults())) {
            Endpoints e = runtime.endpoints();
            List<URI> uris = List.of(e.sqs(), e.dynamodb(), e.events(), e.s3(), e.lambda());
            assertThat(uris).allSatisfy(u -> assertThat(u.getHost()).isEqualTo(Loopback.HOST));
            Optional<InetAddress> external = NetworkInterface.networkInterfaces()
                    .flatMap(NetworkInterface::inetAddresses)
                    .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress())
                    .findFirst();
            if (external.isPresent()) {
                for (URI u : uris) {
                    assertThat(connects(new InetSocketAddress(external.get(), u.getPort()))).as(u.toString()).isFalse();
                    assertThat(connects(new InetSocketAddress(Loopback.HOST, u.getPort()))).as(u.toString()).isTrue();
                }
            }
        }
    }

    @Test
    void theStateDirectoryIsOwnerOnlyEvenWhenItWasFoundOpen() throws Exception {
        Path open = Files.createDirectory(state.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));

        try (LocalRuntime runtime = LocalRuntime.start(TestTopology.create(), open, LocalRuntime.Options.defaults())) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(open))).isEqualTo("rwx------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(open.resolve("s3"))))
                    .isEqualTo("rwx------");
        }
    }

    @Test
    void aSecondRuntimeOnTheSameStateDirectoryIsRefused() throws Exception {
        try (LocalRuntime first = LocalRuntime.start(TestTopology.create(), state, LocalRuntime.Options.defaults())) {
            assertThatThrownBy(() -> LocalRuntime.start(TestTopology.create(), state, LocalRuntime.Options.defaults()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("another Sluice runtime is using");
            assertThat(Files.exists(state.resolve(Endpoints.FILE))).isTrue();
        }
    }

    @Test
    void aHandlerClassThatDoesNotExistStopsStartUpNamingTheFunction() {
        Topology good = TestTopology.create();
        FunctionSpec wrong = new FunctionSpec("scripted", "dev.sluice.NoSuchHandler", 256, 2,
                good.functions().get(0).sqsTrigger());
        Topology bad = new Topology(good.eventBuses(), good.queues(), good.buckets(), good.tables(), List.of(wrong),
                good.apis(), good.rules(), good.stateMachines());

        assertThatThrownBy(() -> LocalRuntime.start(bad, state, LocalRuntime.Options.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("function \"scripted\": handler class dev.sluice.NoSuchHandler is not on the classpath");
        assertThat(state.resolve(Endpoints.FILE)).doesNotExist();
    }

    @Test
    void aFunctionGetsItsEnvironmentResolvedLocallyAndTheEndpointsOfWhatItUsesOnly() throws Exception {
        try (LocalRuntime runtime = LocalRuntime.start(withEnvironment(), state,
                LocalRuntime.Options.defaults().withProfileValues(Map.of("attempts", "5")));
                SqsClient sqs = Clients.sqs(runtime.endpoints())) {
            Map<String, String> env = runtime.lambda().function(TestTopology.FUNCTION).environment();
            assertThat(env).containsEntry("WORK_QUEUE_URL", sqs.getQueueUrl(b -> b.queueName("work")).queueUrl())
                    .containsEntry("WORK_MAX_RECEIVES", Integer.toString(TestTopology.MAX_RECEIVE_COUNT))
                    .containsEntry("WORK_DLQ", "work-dlq")
                    .containsEntry("ATTEMPTS", "5")
                    .containsEntry("SCRATCH", state.resolve("scratch").toAbsolutePath().toString())
                    .containsEntry("AWS_ENDPOINT_URL_SQS", runtime.endpoints().sqs().toString())
                    .containsEntry("AWS_LAMBDA_FUNCTION_NAME", TestTopology.FUNCTION)
                    .doesNotContainKey("NOT_HERE");
            assertThat(env.keySet().stream().filter(k -> k.startsWith("AWS_ENDPOINT_URL")))
                    .containsExactly("AWS_ENDPOINT_URL_SQS");
            // A function that declares nothing gets what Lambda provides, the metrics agent the runtime
            // plays, and no endpoint at all.
            Set<String> provided = new HashSet<>(FunctionEnvironments.LAMBDA_PROVIDED);
            provided.addAll(FunctionEnvironments.METRICS_AGENT);
            assertThat(runtime.lambda().function(TestTopology.EVENT_FUNCTION).environment().keySet())
                    .containsExactlyInAnyOrderElementsOf(provided);
            assertThat(env).containsEntry("AWS_EMF_ENVIRONMENT", "Agent");
            assertThat(env.get("AWS_EMF_AGENT_ENDPOINT")).startsWith("tcp://127.0.0.1:");
        }
    }

    @Test
    void anOverrideOfAValueTheLocalProfileDoesNotDeclareStopsStartUp() {
        assertThatThrownBy(() -> LocalRuntime.start(withEnvironment(), state,
                LocalRuntime.Options.defaults().withProfileValues(Map.of("attempt", "5"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("profile \"local\" has no value \"attempt\" to override; it has [attempts, notHere, scratch]");
        assertThat(state.resolve(Endpoints.FILE)).doesNotExist();
    }

    /** The test topology with a local profile, and an environment of every local kind of reference on {@code scripted}. */
    private static Topology withEnvironment() {
        Topology t = TestTopology.create();
        Map<String, String> env = new java.util.LinkedHashMap<>();
        env.put("WORK_QUEUE_URL", "${queueUrl:work}");
        env.put("WORK_MAX_RECEIVES", "${maxReceiveCount:work}");
        env.put("WORK_DLQ", "${queue:work-dlq}");
        env.put("ATTEMPTS", "${profile:attempts}");
        env.put("SCRATCH", "${profile:scratch}");
        env.put("NOT_HERE", "${profile:notHere}");
        Map<String, String> local = new java.util.HashMap<>(Map.of("attempts", "3", "scratch", "${stateDir:scratch}"));
        local.put("notHere", null);
        List<FunctionSpec> functions = t.functions().stream().map(f -> f.name().equals(TestTopology.FUNCTION)
                ? f.withEnvironment(env, List.of(new Use(ResourceKind.QUEUE, "work", "consume"),
                        new Use(ResourceKind.QUEUE, "work-dlq", "send")))
                : f).toList();
        return new Topology(t.eventBuses(), t.queues(), t.buckets(), t.tables(), functions, t.apis(), t.rules(),
                t.stateMachines(), List.of(), List.of(), List.of(), List.of(), List.of(new Profile("local", local)));
    }

    private static boolean connects(InetSocketAddress address) {
        try (Socket socket = new Socket()) {
            socket.connect(address, 1000);
            return true;
        } catch (ConnectException e) {
            return false;
        } catch (IOException e) {
            return false;
        }
    }
}
