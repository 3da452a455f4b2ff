package dev.sluice.cli.where;

import dev.sluice.core.topology.ResourceKind;
import dev.sluice.core.topology.Topology;
import dev.sluice.local.AwsIdentity;
import dev.sluice.local.Endpoints;
import dev.sluice.local.LocalRuntime;
import dev.sluice.local.sqs.LocalSqs;
import dev.sluice.operations.deployment.Deployment;
import dev.sluice.operations.deployment.DeploymentClients;
import dev.sluice.operations.deployment.UnknownResourceException;
import dev.sluice.workers.metrics.Metrics;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * A running {@code sluice up}: its services from {@code DIR/endpoints.json}, its resources named as
 * in the topology (the local runtime gives every resource its topology name), the real SDK clients
 * pointed at loopback. The principal is the OS user.
 */
public final class LocalDeployment implements Deployment {

    private final Topology topology;
    private final Path dir;
    private final Endpoints endpoints;
    private final AwsIdentity identity;
    private final DeploymentClients clients = new DeploymentClients(this::local);
    private Metrics metrics;

    public LocalDeployment(Topology topology, Path dir, Endpoints endpoints) {
        this.topology = topology;
        this.dir = dir;
        this.endpoints = endpoints;
        this.identity = new AwsIdentity(endpoints.region(), AwsIdentity.LOCAL.accountId());
    }

    @Override
    public Topology topology() {
        return topology;
    }

    @Override
    public String description() {
        return "the local stack in " + dir;
    }

    @Override
    public String principal() {
        return "local:" + System.getProperty("user.name", "unknown");
    }

    /** The state directory: the runtime's event archive is read from it. */
    public Path stateDir() {
        return dir;
    }

    @Override
    public String queueUrl(String queue) {
        return LocalSqs.queueUrl(endpoints.sqs(), identity, known(ResourceKind.QUEUE, queue, topology.allQueueNames()));
    }

    @Override
    public String tableName(String table) {
        return known(ResourceKind.TABLE, table, topology.tables().stream().map(t -> t.name()).toList());
    }

    @Override
    public String busName(String bus) {
        return known(ResourceKind.BUS, bus, topology.allEventBuses());
    }

    @Override
    public String stateMachineArn(String stateMachine) {
        return identity.stateMachineArn(known(ResourceKind.STATE_MACHINE, stateMachine,
                topology.stateMachines().stream().map(m -> m.name()).toList()));
    }

    @Override
    public String functionArn(String function) {
        return identity.lambdaArn(known("function", function, topology.functions().stream().map(f -> f.name()).toList()));
    }

    @Override
    public String bucketName(String bucket) {
        return known(ResourceKind.BUCKET, bucket, topology.buckets().stream().map(b -> b.name()).toList());
    }

    private static String known(ResourceKind kind, String name, List<String> names) {
        return known(kind.key(), name, names);
    }

    private static String known(String kind, String name, List<String> names) {
        if (!names.contains(name)) {
            throw new UnknownResourceException(kind, name, names);
        }
        return name;
    }

    /** The runtime's CloudWatch agent, so a replay counts in its {@code /metrics} as a function's metrics do. */
    @Override
    public synchronized Optional<Metrics> metrics() {
        if (endpoints.metricsAgent() == null) {
            return Optional.empty(); // a runtime older than its agent
        }
        return Optional.of(metrics != null ? metrics : (metrics = Metrics.toAgent(endpoints.metricsAgent(),
                "sluice-cli")));
    }

    @Override
    public SqsClient sqs() {
        return clients.sqs();
    }

    @Override
    public DynamoDbClient dynamoDb() {
        return clients.dynamoDb();
    }

    @Override
    public EventBridgeClient eventBridge() {
        return clients.eventBridge();
    }

    @Override
    public SfnClient stepFunctions() {
        return clients.stepFunctions();
    }

    @Override
    public LambdaClient lambda() {
        return clients.lambda();
    }

    @Override
    public S3Client s3() {
        return clients.s3();
    }

    /** A client of the local service {@code service} names, with the runtime's region and credentials. */
    private <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C local(B builder, String service) {
        URI endpoint = switch (service) {
            case "SQS" -> endpoints.sqs();
            case "DYNAMODB" -> endpoints.dynamodb();
            case "EVENTBRIDGE" -> endpoints.events();
            case "SFN" -> endpoints.stepFunctions();
            case "S3" -> endpoints.s3();
            case "LAMBDA" -> endpoints.lambda();
            default -> throw new IllegalArgumentException("the local runtime serves no " + service);
        };
        if (endpoint == null) { // only the Lambda API came after endpoints.json was first written
            throw new IllegalStateException("the local stack in " + dir + " predates the local Lambda API:"
                    + " restart it with `sluice up`");
        }
        if (builder instanceof S3ClientBuilder s3) {
            s3.forcePathStyle(true);
        }
        return LocalRuntime.client(builder, endpoint, endpoints.region());
    }

    @Override
    public void close() {
        clients.close();
    }
}
