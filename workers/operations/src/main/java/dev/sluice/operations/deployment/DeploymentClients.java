package dev.sluice.operations.deployment;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * The SDK clients of a {@link Deployment}, each built the first time it is asked for and closed together.
 * What differs between deployments is only how a builder is finished (an endpoint, a region,
 * credentials), which is the {@link Builder} given.
 */
public final class DeploymentClients implements AutoCloseable {

    /**
     * Finishes a service's builder. {@code service} names it as its {@code AWS_ENDPOINT_URL_<SERVICE>}
     * variable does ({@code SQS}, {@code DYNAMODB}...): {@code dev.sluice.core.aws.AwsClients#build} is one.
     */
    @FunctionalInterface
    public interface Builder {
        <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C build(B builder, String service);
    }

    private final Builder builder;
    private final Map<String, SdkAutoCloseable> built = new LinkedHashMap<>();

    public DeploymentClients(Builder builder) {
        this.builder = builder;
    }

    public SqsClient sqs() {
        return get("SQS", SqsClient::builder);
    }

    public DynamoDbClient dynamoDb() {
        return get("DYNAMODB", DynamoDbClient::builder);
    }

    public EventBridgeClient eventBridge() {
        return get("EVENTBRIDGE", EventBridgeClient::builder);
    }

    public SfnClient stepFunctions() {
        return get("SFN", SfnClient::builder);
    }

    public LambdaClient lambda() {
        return get("LAMBDA", LambdaClient::builder);
    }

    public S3Client s3() {
        return get("S3", S3Client::builder);
    }

    private synchronized <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C extends SdkAutoCloseable> C get(
            String service, Supplier<B> newBuilder) {
        @SuppressWarnings("unchecked") // one client per service, put here by this method
        C client = (C) built.get(service);
        if (client == null) {
            client = builder.build(newBuilder.get(), service);
            built.put(service, client);
        }
        return client;
    }

    /** Closes every client built so far; a later request builds a new one. */
    @Override
    public synchronized void close() {
        for (SdkAutoCloseable client : built.values()) {
            try {
                client.close();
            } catch (RuntimeException ignored) {
                // closing HTTP clients at exit
            }
        }
        built.clear();
    }
}
