package dev.sluice.cli.where;

import dev.sluice.core.topology.ResourceKind;
import dev.sluice.core.topology.Topology;
import dev.sluice.operations.deployment.Deployment;
import dev.sluice.operations.deployment.DeploymentClients;
import dev.sluice.operations.deployment.UnknownResourceException;
import dev.sluice.workers.metrics.Metrics;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * A stack deployed by {@code cdk/}: every name, URL and ARN from its CloudFormation outputs
 * ({@code DescribeStacks}), each of which the CDK app describes with the topology reference it
 * stands for ({@code queueUrl:email-dlq}, {@code table:sluice-audit}). Credentials and region come
 * from the SDK's default chains, as for the AWS CLI; so does every endpoint, which lets
 * {@code AWS_ENDPOINT_URL_<SERVICE>} point a client elsewhere.
 */
public final class StackDeployment implements Deployment {

    private final Topology topology;
    private final String stackName;
    private final String region;
    private final Map<String, String> outputs;
    private final DeploymentClients clients = new DeploymentClients(this::inRegion);
    private String principal;

    private StackDeployment(Topology topology, String stackName, String region, Map<String, String> outputs) {
        this.topology = topology;
        this.stackName = stackName;
        this.region = region;
        this.outputs = outputs;
    }

    /**
     * Reads the stack's outputs once.
     *
     * @throws IllegalArgumentException the stack does not exist or has no Sluice outputs
     */
    public static StackDeployment open(Topology topology, String stackName) {
        try (CloudFormationClient cloudFormation = CloudFormationClient.create()) {
            return open(topology, stackName, cloudFormation);
        }
    }

    /** The same, through {@code cloudFormation}: its region is the stack's. */
    static StackDeployment open(Topology topology, String stackName, CloudFormationClient cloudFormation) {
        List<Stack> stacks;
        try {
            stacks = cloudFormation.describeStacks(b -> b.stackName(stackName)).stacks();
        } catch (CloudFormationException e) {
            throw new IllegalArgumentException("stack \"" + stackName + "\": "
                    + e.awsErrorDetails().errorMessage(), e);
        }
        if (stacks.isEmpty()) {
            throw new IllegalArgumentException("stack \"" + stackName + "\" does not exist");
        }
        Map<String, String> byReference = new TreeMap<>();
        for (Output output : stacks.get(0).outputs()) {
            if (output.description() != null && output.description().contains(":")) {
                byReference.put(output.description(), output.outputValue());
            }
        }
        if (byReference.isEmpty()) {
            throw new IllegalArgumentException("stack \"" + stackName + "\" has no Sluice outputs: is it a stack"
                    + " `sluice synth` made?");
        }
        String region = cloudFormation.serviceClientConfiguration().region().id();
        return new StackDeployment(topology, stackName, region, byReference);
    }

    @Override
    public Topology topology() {
        return topology;
    }

    @Override
    public String description() {
        return "stack " + stackName + " in " + region;
    }

    /** The IAM principal the default credentials belong to, as STS says: what the audit records. */
    @Override
    public synchronized String principal() {
        if (principal == null) {
            try (StsClient sts = StsClient.create()) {
                principal = sts.getCallerIdentity().arn();
            }
        }
        return principal;
    }

    @Override
    public String queueUrl(String queue) {
        return output("queueUrl", queue);
    }

    @Override
    public String tableName(String table) {
        return output(ResourceKind.TABLE.key(), table);
    }

    @Override
    public String busName(String bus) {
        return output(ResourceKind.BUS.key(), bus);
    }

    @Override
    public String stateMachineArn(String stateMachine) {
        return output(ResourceKind.STATE_MACHINE.key(), stateMachine);
    }

    @Override
    public String functionArn(String function) {
        return output("function", function);
    }

    @Override
    public String bucketName(String bucket) {
        return output(ResourceKind.BUCKET.key(), bucket);
    }

    /** The value of output {@code kind:name}; a name the stack lacks is an operator's typo or an old stack. */
    public String output(String kind, String name) {
        String value = outputs.get(kind + ":" + name);
        if (value == null) {
            String prefix = kind + ":";
            throw new UnknownResourceException(kind, name, outputs.keySet().stream().filter(k -> k.startsWith(prefix))
                    .map(k -> k.substring(prefix.length())).toList());
        }
        return value;
    }

    /** None: EMF needs Lambda's log shipping or an agent, and a workstation has neither; the audit table has the counts. */
    @Override
    public Optional<Metrics> metrics() {
        return Optional.empty();
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

    /** The default credentials and endpoints, in the stack's region. */
    private <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C inRegion(B builder, String service) {
        return builder.region(Region.of(region)).build();
    }

    @Override
    public void close() {
        clients.close();
    }
}
