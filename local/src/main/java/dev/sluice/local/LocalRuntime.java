package dev.sluice.local;

import dev.sluice.core.ai.ChatModel;
import dev.sluice.core.keys.ApiKeys;
import dev.sluice.core.topology.ApiSpec;
import dev.sluice.core.topology.FunctionSpec;
import dev.sluice.core.topology.Profile;
import dev.sluice.core.topology.StateMachineSpec;
import dev.sluice.core.topology.Topology;
import dev.sluice.local.apigw.Limits;
import dev.sluice.local.bedrock.LocalBatchInference;
import dev.sluice.local.apigw.LocalHttpApi;
import dev.sluice.local.apigw.LocalWebSocketApi;
import dev.sluice.local.apigw.UsageMeter;
import dev.sluice.local.dynamodb.LocalDynamoDb;
import dev.sluice.local.dynamodb.LocalTables;
import dev.sluice.local.events.DeliveryLedger;
import dev.sluice.local.events.EventArchive;
import dev.sluice.local.events.EventBridgeApi;
import dev.sluice.local.events.LocalEventBridge;
import dev.sluice.local.events.TargetDelivery;
import dev.sluice.local.http.AwsJsonServer;
import dev.sluice.local.lambda.LambdaApi;
import dev.sluice.local.lambda.LocalLambda;
import dev.sluice.local.lambda.LocalSchedules;
import dev.sluice.local.lambda.SqsEventSourceMapping;
import dev.sluice.local.logs.LogFiles;
import dev.sluice.local.metrics.LocalMetrics;
import dev.sluice.local.s3.LocalS3;
import dev.sluice.local.sqs.LocalSqs;
import dev.sluice.local.stepfunctions.AslEngine;
import dev.sluice.local.stepfunctions.LambdaTaskInvoker;
import dev.sluice.local.stepfunctions.LocalStepFunctions;
import dev.sluice.local.stepfunctions.StepFunctionsApi;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The whole topology running on one machine: SQS (ElasticMQ), DynamoDB (DynamoDB Local), S3
 * (S3Proxy), EventBridge (Event Ruler), Step Functions and Lambda (in-process handlers), each on
 * loopback, with its state under one directory. {@link #close()} stops them in reverse order,
 * consumers first, so no message is taken from a queue without being processed or returned.
 */
public final class LocalRuntime implements AutoCloseable {

    /**
     * How the runtime is built; tests shorten the retry timings. {@code profileValues} replace values
     * of the topology's local profile ({@code retryBaseSeconds} say); start-up fails on a name the
     * profile does not declare. Functions get nothing else than their declared environment.
     */
    public record Options(AwsIdentity identity, TargetDelivery.Backoff targetBackoff, long lambdaAsyncRetryMillis,
            ClassLoader handlerClassLoader, Map<String, String> profileValues, ChatModel batchModel) {

        public Options {
            profileValues = Map.copyOf(profileValues);
        }

        /** Without a chat model for batch inference: the local batch endpoint then fails every job, saying so. */
        public Options(AwsIdentity identity, TargetDelivery.Backoff targetBackoff, long lambdaAsyncRetryMillis,
                ClassLoader handlerClassLoader, Map<String, String> profileValues) {
            this(identity, targetBackoff, lambdaAsyncRetryMillis, handlerClassLoader, profileValues, null);
        }

        public static Options defaults() {
            return new Options(AwsIdentity.LOCAL, TargetDelivery.Backoff.LOCAL, 1000,
                    Thread.currentThread().getContextClassLoader(), Map.of());
        }

        public Options withProfileValues(Map<String, String> more) {
            Map<String, String> merged = new HashMap<>(profileValues);
            merged.putAll(more);
            return new Options(identity, targetBackoff, lambdaAsyncRetryMillis, handlerClassLoader, merged, batchModel);
        }

        /** The chat model the local batch inference endpoint answers records with (the one the functions use). */
        public Options withBatchModel(ChatModel model) {
            return new Options(identity, targetBackoff, lambdaAsyncRetryMillis, handlerClassLoader, profileValues,
                    model);
        }
    }

    /**
     * The credentials every local client and function uses. The local services accept any, except S3
     * and the WebSocket {@code @connections} endpoint, which verify SigV4 signatures made with these.
     * DynamoDB Local takes only letters and digits in an access key id.
     */
    public static final AwsBasicCredentials CREDENTIALS = AwsBasicCredentials.create("SLUICELOCAL",
            "sluice-local-secret");

    /** An SDK client of one local service: its endpoint, the runtime's region and {@link #CREDENTIALS}. */
    public static <B extends AwsClientBuilder<B, C>, C> C client(B builder, URI endpoint, String region) {
        return builder.endpointOverride(endpoint).region(Region.of(region))
                .credentialsProvider(StaticCredentialsProvider.create(CREDENTIALS)).build();
    }

    /** The variable naming the table an HTTP API's function reads keys from; the dev key goes there. */
    private static final String API_KEYS_VARIABLE = "API_KEYS_TABLE";

    /** How long a stop waits for running executions before cutting them short. */
    private static final Duration EXECUTION_DRAIN = Duration.ofSeconds(5);

    private final Deque<AutoCloseable> stopOrder = new ArrayDeque<>();
    private final Topology topology;
    private final Path stateDir;
    private Endpoints endpoints;
    private LocalLambda lambda;
    private LocalEventBridge eventBridge;
    private LocalDynamoDb dynamoDb;
    private LocalStepFunctions stepFunctions;
    private final List<SqsEventSourceMapping> mappings = new ArrayList<>();

    private LocalRuntime(Topology topology, Path stateDir) {
        this.topology = topology;
        this.stateDir = stateDir;
    }

    public static LocalRuntime start(Topology topology, Path stateDir, Options options) throws Exception {
        LocalRuntime runtime = new LocalRuntime(topology, stateDir);
        try {
            runtime.boot(options);
            return runtime;
        } catch (Exception | Error e) {
            runtime.close();
            throw e;
        }
    }

    private void boot(Options options) throws Exception {
        // A misspelt override stops start-up before anything starts.
        Profile profile = FunctionEnvironments.localProfile(topology, options.profileValues());
        PrivateDirectory.create(stateDir);
        lock();
        // Before any service starts, so none of them, nor any function, writes on the console.
        stopLast(LogFiles.open(stateDir));
        AwsIdentity identity = options.identity();
        // Handlers first: a wrong class name stops start-up before any server is up.
        lambda = stopLast(new LocalLambda(topology.functions(), identity, options.handlerClassLoader(),
                options.lambdaAsyncRetryMillis()));

        // ElasticMQ takes seconds to start; DynamoDB Local starts beside it.
        CompletableFuture<LocalSqs> sqsServer = CompletableFuture.supplyAsync(
                () -> LocalSqs.start(identity, stateDir.resolve("sqs"), topology));
        CompletableFuture<LocalDynamoDb> dynamoServer = CompletableFuture.supplyAsync(() -> {
            try {
                return LocalDynamoDb.start(stateDir.resolve("dynamodb"));
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
        // Wait for both, and stop whichever did start should the other fail.
        CompletableFuture.allOf(sqsServer, dynamoServer).exceptionally(failed -> null).join();
        sqsServer.thenAccept(this::stopLast);
        dynamoServer.thenAccept(this::stopLast);
        LocalSqs sqs = join(sqsServer);
        LocalDynamoDb dynamodb = join(dynamoServer);
        this.dynamoDb = dynamodb;

        SqsClient sqsClient = stopLast(client(SqsClient.builder(), sqs.endpoint(), identity.region()));
        LocalSqs.createQueues(sqsClient, topology, identity);
        lambda.sendFailuresWith(sqsClient);
        DynamoDbClient dynamoClient = stopLast(client(DynamoDbClient.builder(), dynamodb.endpoint(),
                identity.region()));
        LocalTables.create(dynamoClient, topology.tables());

        // Step Functions before EventBridge, whose rules may start executions as soon as the bus is up.
        stepFunctions = stopLast(LocalStepFunctions.open(stateDir, identity,
                new AslEngine(new LambdaTaskInvoker(lambda, identity))));
        deployStateMachines(identity);
        AwsJsonServer sfn = stopLast(StepFunctionsApi.serve(stepFunctions));
        SfnClient sfnClient = stopLast(client(SfnClient.builder(), sfn.endpoint(), identity.region()));

        EventArchive archive = stopLast(new EventArchive(stateDir.resolve("events").resolve("archive")));
        DeliveryLedger ledger = stopLast(new DeliveryLedger(stateDir.resolve("events").resolve("deliveries"),
                archive));
        TargetDelivery delivery = stopLast(new TargetDelivery(identity, sqsClient, lambda, sfnClient,
                options.targetBackoff()));
        eventBridge = new LocalEventBridge(topology, identity, ledger, delivery);
        AwsJsonServer events = stopLast(EventBridgeApi.serve(eventBridge));
        LocalS3 s3 = stopLast(LocalS3.start(stateDir.resolve("s3"), topology.buckets(), identity.accountId(),
                eventBridge, CREDENTIALS));
        S3Client s3Client = stopLast(S3Client.builder().endpointOverride(s3.endpoint())
                .region(Region.of(identity.region())).credentialsProvider(StaticCredentialsProvider.create(CREDENTIALS))
                .forcePathStyle(true).build());
        LocalBatchInference bedrock = stopLast(LocalBatchInference.start(s3Client, options.batchModel(), identity,
                Clock.systemUTC()));

        URI api = null;
        URI webSocket = null;
        URI webSocketManagement = null;
        Map<String, URI> managementByApi = new HashMap<>();
        for (ApiSpec spec : topology.apis()) {
            if (spec.protocol() == ApiSpec.Protocol.WEBSOCKET) {
                LocalWebSocketApi ws = stopLast(LocalWebSocketApi.start(spec, identity, lambda::invoke, CREDENTIALS,
                        Limits.aws(), Clock.systemUTC()));
                webSocket = ws.webSocketUrl();
                webSocketManagement = ws.managementUrl();
                managementByApi.put(spec.name(), webSocketManagement);
            }
        }
        // Before the environments, which name it to the functions that invoke others.
        LambdaApi lambdaApi = stopLast(LambdaApi.start(lambda, identity));
        // Stopped after the functions (stopLast is a stack), so their last documents are counted.
        LocalMetrics metrics = stopLast(LocalMetrics.start());
        FunctionEnvironments environments = new FunctionEnvironments(topology, profile, identity, stateDir,
                new FunctionEnvironments.Services(sqs.endpoint(), dynamodb.endpoint(), events.endpoint(),
                        s3.endpoint(), sfn.endpoint(), lambdaApi.endpoint(), managementByApi,
                        metrics.agentEndpoint(), bedrock.endpoint()));
        lambda.environment(environments::of);
        eventBridge.redeliverUnfinished(); // now that functions have their environment
        String devApiKey = null;
        for (ApiSpec spec : topology.apis()) {
            if (spec.protocol() == ApiSpec.Protocol.HTTP) {
                // Closed after the API (stopLast is a stack), so the last counts are saved.
                UsageMeter meter = spec.usagePlans().isEmpty() ? null
                        : stopLast(UsageMeter.open(UsageMeter.dir(stateDir, spec.name()), Clock.systemUTC()));
                api = stopLast(LocalHttpApi.start(spec, identity, lambda::invoke, meter, Clock.systemUTC()))
                        .endpoint();
                // The dev key goes where the API's authorizer looks keys up.
                String keysTable = spec.authorizer() == null ? null
                        : lambda.function(spec.authorizer().function()).environment().get(API_KEYS_VARIABLE);
                if (keysTable != null && devApiKey == null) {
                    devApiKey = DevApiKey.ensure(new ApiKeys(dynamoClient, keysTable), stateDir,
                            System.currentTimeMillis());
                }
            }
        }

        for (FunctionSpec f : topology.functions()) {
            if (f.sqsTrigger() != null) {
                String queueUrl = sqsClient.getQueueUrl(b -> b.queueName(f.sqsTrigger().queue())).queueUrl();
                SqsEventSourceMapping mapping = new SqsEventSourceMapping(f.name(), f.sqsTrigger(), queueUrl,
                        identity.sqsArn(f.sqsTrigger().queue()), identity.region(), sqsClient, lambda);
                mappings.add(stopLast(mapping));
                mapping.start();
            }
        }
        stopLast(new LocalSchedules(topology.functions(), lambda, identity));
        endpoints = new Endpoints(identity.region(), sqs.endpoint(), dynamodb.endpoint(), events.endpoint(),
                s3.endpoint(), sfn.endpoint(), api, webSocket, webSocketManagement, devApiKey, lambdaApi.endpoint(),
                metrics.url(), metrics.agentEndpoint(), bedrock.endpoint());
        endpoints.writeTo(stateDir);
    }

    /**
     * Creates each state machine of the topology, or updates it when its definition changed since
     * the last start. A definition the interpreter refuses stops start-up, naming the machine.
     */
    private void deployStateMachines(AwsIdentity identity) {
        for (StateMachineSpec spec : topology.stateMachines()) {
            try {
                stepFunctions.deploy(spec.name(), spec.definition(identity::lambdaArn),
                        identity.roleArn(spec.name() + "-role"));
            } catch (RuntimeException e) {
                throw new IllegalStateException("state machine \"" + spec.name() + "\": " + e.getMessage(), e);
            }
        }
    }

    /** One runtime per state directory: two would corrupt DynamoDB Local's file. */
    private void lock() throws IOException {
        FileChannel channel = FileChannel.open(stateDir.resolve(".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException sameProcess) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            throw new IllegalStateException("another Sluice runtime is using " + stateDir.toAbsolutePath());
        }
        stopLast(channel);
    }

    private <T extends AutoCloseable> T stopLast(T resource) {
        stopOrder.push(resource);
        return resource;
    }

    private static <T> T join(CompletableFuture<T> future) throws Exception {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    public Topology topology() {
        return topology;
    }

    public Endpoints endpoints() {
        return endpoints;
    }

    public LocalLambda lambda() {
        return lambda;
    }

    public LocalEventBridge eventBridge() {
        return eventBridge;
    }

    public LocalStepFunctions stepFunctions() {
        return stepFunctions;
    }

    /** Requests DynamoDB Local has served: benchmarks count what a job costs in storage calls. */
    public long dynamoDbRequestCount() {
        return dynamoDb.requestCount();
    }

    /** The same, by operation: what each kind of call contributes. */
    public Map<String, Long> dynamoDbRequestsByOperation() {
        return dynamoDb.requestCountsByOperation();
    }

    /** How many SQS event source mappings are polling: the parity check's view of the triggers. */
    public int eventSourceMappingCount() {
        return mappings.size();
    }

    public Path stateDir() {
        return stateDir;
    }

    @Override
    public void close() {
        if (stepFunctions != null) {
            // Executions call functions that use every other service: let the running ones end
            // while those are still up, for a few seconds; what is left is cut short, as in a crash.
            stepFunctions.drain(EXECUTION_DRAIN);
        }
        while (!stopOrder.isEmpty()) {
            AutoCloseable resource = stopOrder.pop();
            try {
                resource.close();
            } catch (Exception e) {
                System.getLogger(LocalRuntime.class.getName()).log(System.Logger.Level.WARNING,
                        "stopping " + resource.getClass().getSimpleName() + " failed: " + e);
            }
        }
        if (endpoints != null) { // only the runtime that wrote endpoints.json removes it
            try {
                Files.deleteIfExists(stateDir.resolve(Endpoints.FILE));
            } catch (IOException ignored) {
                // a stale endpoints.json is overwritten by the next start
            }
        }
    }
}
