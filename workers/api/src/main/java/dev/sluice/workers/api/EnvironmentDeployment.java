package dev.sluice.workers.api;

import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.topology.Topology;
import dev.sluice.operations.deployment.Deployment;
import dev.sluice.operations.deployment.DeploymentClients;
import dev.sluice.operations.deployment.UnknownResourceException;
import dev.sluice.workers.config.Lazy;
import dev.sluice.workers.config.Setting;
import dev.sluice.workers.metrics.Metrics;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Where the admin API acts: the stack its own function runs in, known from the function's declared
 * environment only ({@code QUEUE_URLS}, {@code FUNCTION_ARNS}, the tables and the bus), so it reaches
 * exactly what topology.json says the function uses and IAM grants it. A name the environment does
 * not carry is unknown here even if the stack has it. The principal is per request: the caller's key
 * ({@link #actingAs}), which is who the audit names.
 */
final class EnvironmentDeployment implements Deployment {

    private final Supplier<Topology> topology;
    private final Map<String, String> queueUrls;
    private final Map<String, String> tables;
    private final Map<String, String> buses;
    private final Map<String, String> functionArns;
    private final DeploymentClients clients;
    private final String description;
    private final String principal;
    private final Metrics metrics;

    private EnvironmentDeployment(Supplier<Topology> topology, Map<String, String> queueUrls,
            Map<String, String> tables, Map<String, String> buses, Map<String, String> functionArns,
            DeploymentClients clients, String description, String principal, Metrics metrics) {
        this.topology = topology;
        this.queueUrls = Map.copyOf(queueUrls);
        this.tables = Map.copyOf(tables);
        this.buses = Map.copyOf(buses);
        this.functionArns = Map.copyOf(functionArns);
        this.clients = clients;
        this.description = description;
        this.principal = principal;
        this.metrics = metrics;
    }

    /** From the function's environment; the topology is read when first asked for. */
    static EnvironmentDeployment of(AwsClients aws, Supplier<Topology> topology) {
        return new EnvironmentDeployment(Lazy.of(topology), Setting.QUEUE_URLS.mapFrom(aws),
                Map.of("sluice-jobs", Setting.JOBS_TABLE.from(aws),
                        "sluice-documents", Setting.DOCUMENTS_TABLE.from(aws),
                        "sluice-audit", Setting.AUDIT_TABLE.from(aws)),
                Map.of("sluice-jobs", Setting.EVENT_BUS.from(aws)),
                Setting.FUNCTION_ARNS.mapFrom(aws),
                // Built on first use and shared by every caller's view (actingAs).
                new DeploymentClients(aws::build),
                "the stack of function " + aws.env("AWS_LAMBDA_FUNCTION_NAME", "api"), "api",
                Metrics.fromEnvironment());
    }

    /** The same deployment, with {@code who} as the principal the audit records. */
    EnvironmentDeployment actingAs(String who) {
        return new EnvironmentDeployment(topology, queueUrls, tables, buses, functionArns, clients, description, who,
                metrics);
    }

    @Override
    public Optional<Metrics> metrics() {
        return Optional.of(metrics);
    }

    @Override
    public Topology topology() {
        return topology.get();
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public String principal() {
        return principal;
    }

    @Override
    public String queueUrl(String queue) {
        return known("queue", queue, queueUrls);
    }

    @Override
    public String tableName(String table) {
        return known("table", table, tables);
    }

    @Override
    public String busName(String bus) {
        return known("bus", bus, buses);
    }

    @Override
    public String stateMachineArn(String stateMachine) {
        return known("state machine", stateMachine, Map.of());
    }

    @Override
    public String functionArn(String function) {
        return known("function", function, functionArns);
    }

    @Override
    public String bucketName(String bucket) {
        return known("bucket", bucket, Map.of());
    }

    private static String known(String kind, String name, Map<String, String> byName) {
        String value = byName.get(name);
        if (value == null) {
            throw new UnknownResourceException(kind, name, byName.keySet().stream().sorted().toList());
        }
        return value;
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

    /** The clients live as long as the function's execution environment: nothing to close per request. */
    @Override
    public void close() {
    }
}
