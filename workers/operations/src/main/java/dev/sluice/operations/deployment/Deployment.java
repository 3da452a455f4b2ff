package dev.sluice.operations.deployment;

import dev.sluice.core.topology.Topology;
import dev.sluice.workers.metrics.Metrics;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Where an operation acts: a local stack (found from its {@code endpoints.json}) or a deployed one
 * (found from its CloudFormation outputs), or the admin API's own function (from its environment).
 * Resources are asked for by their topology names; the answer is what the SDK clients take. The
 * operations never know which one they are given: the same code replays a DLQ locally and on AWS.
 */
public interface Deployment extends AutoCloseable {

    /** The definitions the stack was made from: its queues, DLQs, rules, tables, functions. */
    Topology topology();

    /** For messages: "the local stack in .sluice", "stack sluice-dev in eu-west-1". */
    String description();

    /** Who acts, as the audit records it: the IAM principal's ARN on AWS, {@code local:USER} locally. */
    String principal();

    /** @throws UnknownResourceException the stack has no such queue */
    String queueUrl(String queue);

    /** @throws UnknownResourceException the stack has no such table */
    String tableName(String table);

    /** @throws UnknownResourceException the stack has no such bus */
    String busName(String bus);

    /** @throws UnknownResourceException the stack has no such state machine */
    String stateMachineArn(String stateMachine);

    /** What to invoke the function by (its alias's ARN on AWS). @throws UnknownResourceException no such function */
    String functionArn(String function);

    /** @throws UnknownResourceException the stack has no such bucket */
    String bucketName(String bucket);

    /**
     * Where this deployment's operator metrics (DlqReplayed) go: EMF on stdout in a Lambda function, the local
     * runtime's agent locally; empty where no EMF path exists (a workstation acting on a deployed stack, whose
     * actions the audit table records).
     */
    Optional<Metrics> metrics();

    SqsClient sqs();

    DynamoDbClient dynamoDb();

    EventBridgeClient eventBridge();

    SfnClient stepFunctions();

    LambdaClient lambda();

    S3Client s3();

    /** Closes the clients this deployment built. */
    @Override
    void close();
}
