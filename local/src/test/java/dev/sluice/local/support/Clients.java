package dev.sluice.local.support;

import dev.sluice.local.Endpoints;
import dev.sluice.local.LocalRuntime;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Stock AWS SDK v2 clients, configured only with an endpoint, a region and credentials: any, except
 * for S3, which checks signatures against the runtime's own.
 */
public final class Clients {

    private static final StaticCredentialsProvider ANY = StaticCredentialsProvider.create(
            AwsBasicCredentials.create("AKIDLOCAL", "local-secret"));

    private Clients() {
    }

    public static SqsClient sqs(Endpoints e) {
        return SqsClient.builder().endpointOverride(e.sqs()).region(Region.of(e.region())).credentialsProvider(ANY)
                .build();
    }

    public static EventBridgeClient events(Endpoints e) {
        return EventBridgeClient.builder().endpointOverride(e.events()).region(Region.of(e.region()))
                .credentialsProvider(ANY).build();
    }

    public static DynamoDbClient dynamodb(Endpoints e) {
        return DynamoDbClient.builder().endpointOverride(e.dynamodb()).region(Region.of(e.region()))
                .credentialsProvider(ANY).build();
    }

    public static SfnClient sfn(Endpoints e) {
        return SfnClient.builder().endpointOverride(e.stepFunctions()).region(Region.of(e.region()))
                .credentialsProvider(ANY).build();
    }

    public static LambdaClient lambda(Endpoints e) {
        return LambdaClient.builder().endpointOverride(e.lambda()).region(Region.of(e.region()))
                .credentialsProvider(ANY).build();
    }

    public static S3Client s3(Endpoints e) {
        return S3Client.builder().endpointOverride(e.s3()).region(Region.of(e.region()))
                .credentialsProvider(StaticCredentialsProvider.create(LocalRuntime.CREDENTIALS)).forcePathStyle(true)
                .build();
    }
}
