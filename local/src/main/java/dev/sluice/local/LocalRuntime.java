package dev.sluice.local;

import dev.sluice.core.topology.FunctionSpec;
import dev.sluice.core.topology.Topology;
import dev.sluice.local.dynamodb.LocalDynamoDb;
import dev.sluice.local.events.EventArchive;
import dev.sluice.local.events.EventBridgeApi;
import dev.sluice.local.events.LocalEventBridge;
import dev.sluice.local.events.TargetDelivery;
import dev.sluice.local.http.AwsJsonServer;
import dev.sluice.local.lambda.LocalLambda;
import dev.sluice.local.lambda.SqsEventSourceMapping;
import dev.sluice.local.s3.LocalS3;
import dev.sluice.local.sqs.LocalSqs;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The whole topology running on one machine: SQS (ElasticMQ), DynamoDB (DynamoDB Local), S3
 * (S3Proxy), EventBridge (Event Ruler) and Lambda (in-process handlers), each on loopback, with its
 * state under one directory. {@link #close()} stops them in reverse order, consumers first, so no
 * message is taken from a queue without being processed or returned.
 */
public final class LocalRuntime implements AutoCloseable {

    /** How the runtime is built; tests shorten the retry timings. */
    public record Options(AwsIdentity identity, TargetDelivery.Backoff targetBackoff, long lambdaAsyncRetryMillis,
            ClassLoader handlerClassLoader) {

        public static Options defaults() {
            return new Options(AwsIdentity.LOCAL, TargetDelivery.Backoff.LOCAL, 1000,
                    Thread.currentThread().getContextClassLoader());
        }
    }

    private final Deque<AutoCloseable> stopOrder = new ArrayDeque<>();
    private final Topology topology;
    private final Path stateDir;
    private Endpoints endpoints;
    private LocalLambda lambda;
    private LocalEventBridge eventBridge;
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
        Files.createDirectories(stateDir);
        lock();
        AwsIdentity identity = options.identity();
        // Handlers first: a wrong class name stops start-up before any server is up.
        lambda = stopLast(new LocalLambda(topology.functions(), identity, options.handlerClassLoader(),
                options.lambdaAsyncRetryMillis()));

        // ElasticMQ takes seconds to start; DynamoDB Local starts beside it.
        CompletableFuture<LocalSqs> sqsServer = CompletableFuture.supplyAsync(() -> LocalSqs.start(identity));
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

        SqsClient sqsClient = stopLast(SqsClient.builder().endpointOverride(sqs.endpoint())
                .region(Region.of(identity.region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .build());
        LocalSqs.createQueues(sqsClient, topology, identity);

        EventArchive archive = stopLast(new EventArchive(stateDir.resolve("events").resolve("archive")));
        TargetDelivery delivery = stopLast(new TargetDelivery(identity, sqsClient, lambda, null,
                options.targetBackoff()));
        eventBridge = new LocalEventBridge(topology, identity, archive, delivery);
        AwsJsonServer events = stopLast(EventBridgeApi.serve(eventBridge));
        LocalS3 s3 = stopLast(LocalS3.start(stateDir.resolve("s3"), topology.buckets(), identity.accountId(),
                eventBridge));

        for (FunctionSpec f : topology.functions()) {
            if (f.sqsTrigger() != null) {
                String queueUrl = sqsClient.getQueueUrl(b -> b.queueName(f.sqsTrigger().queue())).queueUrl();
                SqsEventSourceMapping mapping = new SqsEventSourceMapping(f.name(), f.sqsTrigger(), queueUrl,
                        identity.sqsArn(f.sqsTrigger().queue()), identity.region(), sqsClient, lambda);
                mappings.add(stopLast(mapping));
                mapping.start();
            }
        }
        endpoints = new Endpoints(identity.region(), sqs.endpoint(), dynamodb.endpoint(), events.endpoint(),
                s3.endpoint());
        endpoints.writeTo(stateDir);
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

    /** How many SQS event source mappings are polling: the parity check's view of the triggers. */
    public int eventSourceMappingCount() {
        return mappings.size();
    }

    public Path stateDir() {
        return stateDir;
    }

    @Override
    public void close() {
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
