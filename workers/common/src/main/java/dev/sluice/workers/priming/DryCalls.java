package dev.sluice.workers.priming;

import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.bedrock.BedrockClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Requests a handler's own SDK clients build, sign and then never send: each goes through the
 * client's whole request path (endpoint rules, marshalling, the SigV4 signer, the client's
 * interceptors) up to the moment before the HTTP client would be called, where an interceptor added
 * for that request alone stops it. Nothing leaves the process, no store is written, and the client's
 * own credentials are never resolved (on SnapStart they come from the container credentials
 * endpoint): the request is signed with a placeholder key. The SDK's own {@code SdkWarmUp} warms a
 * fresh client of each service and then makes one real HTTP call, which a snapshot must not do.
 *
 * <p>One case per service the bundles use; each service's classes are only touched by its own case,
 * so a bundle without, say, SES never loads a class of it.
 */
final class DryCalls {

    /** Raised in place of the transmission: the request was built and signed, and went nowhere. */
    static final class NotSent extends RuntimeException {

        NotSent() {
            super("stopped before transmission (SnapStart priming)", null, false, false);
        }
    }

    private static final ExecutionInterceptor STOP_BEFORE_TRANSMISSION = new ExecutionInterceptor() {
        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            throw new NotSent();
        }
    };

    /** Applied per request: the interceptor and the placeholder key, for this request and no other. */
    static final AwsRequestOverrideConfiguration DRY = AwsRequestOverrideConfiguration.builder()
            .credentialsProvider(StaticCredentialsProvider.create(
                    AwsBasicCredentials.create("AKIDSLUICEPRIMING", "never-sent-priming-only")))
            .addPlugin(config -> config.overrideConfiguration(config.overrideConfiguration().toBuilder()
                    .addExecutionInterceptor(STOP_BEFORE_TRANSMISSION).build()))
            .build();

    private static final String NAME = "sluice-priming";
    private static final String BEDROCK_RUNTIME_PACKAGE = "software.amazon.awssdk.services.bedrockruntime.";
    private static final String ACCOUNT = "000000000000";

    private DryCalls() {
    }

    /** @return false for a service this class has no dry call for (nothing was done) */
    static boolean warm(SdkClient client) {
        switch (client.serviceName()) {
            case DynamoDbClient.SERVICE_NAME -> Dynamo.warm((DynamoDbClient) client);
            case SqsClient.SERVICE_NAME -> Sqs.warm((SqsClient) client);
            case S3Client.SERVICE_NAME -> S3.warm((S3Client) client);
            case EventBridgeClient.SERVICE_NAME -> EventBridge.warm((EventBridgeClient) client);
            case ApiGatewayManagementApiClient.SERVICE_NAME -> Connections.warm((ApiGatewayManagementApiClient) client);
            case SesV2Client.SERVICE_NAME -> Ses.warm((SesV2Client) client);
            case SfnClient.SERVICE_NAME -> StepFunctions.warm((SfnClient) client);
            // The runtime and the control plane share the service name; a bundle may hold either alone,
            // so the client is told apart by its package, not by a class the bundle may lack.
            case BedrockRuntimeClient.SERVICE_NAME -> {
                if (client.getClass().getName().startsWith(BEDROCK_RUNTIME_PACKAGE)) {
                    Bedrock.warm((BedrockRuntimeClient) client);
                } else {
                    BedrockBatch.warm((BedrockClient) client);
                }
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    /** Runs a call that must be stopped before transmission; one that returns was sent, which is a bug here. */
    private static void dry(Runnable call) {
        try {
            call.run();
        } catch (NotSent expected) {
            return;
        }
        throw new IllegalStateException("a priming request was not stopped before transmission");
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    /** The stores' operations: read an item, update one, a transaction, a query. */
    private static final class Dynamo {

        static void warm(DynamoDbClient db) {
            Map<String, AttributeValue> key = Map.of("pk", s(NAME), "sk", s(NAME));
            dry(() -> db.getItem(b -> b.tableName(NAME).key(key).consistentRead(true).overrideConfiguration(DRY)));
            dry(() -> db.updateItem(b -> b.tableName(NAME).key(key).updateExpression("SET #s = :s")
                    .conditionExpression("attribute_exists(pk)").expressionAttributeNames(Map.of("#s", "status"))
                    .expressionAttributeValues(Map.of(":s", s("RUNNING"))).overrideConfiguration(DRY)));
            dry(() -> db.transactWriteItems(b -> b.transactItems(TransactWriteItem.builder()
                    .update(Update.builder().tableName(NAME).key(key).updateExpression("ADD n :one")
                            .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"))).build())
                    .build()).overrideConfiguration(DRY)));
            dry(() -> db.query(b -> b.tableName(NAME).keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", s(NAME))).limit(1).overrideConfiguration(DRY)));
        }
    }

    private static final class Sqs {

        static void warm(SqsClient sqs) {
            String url = "https://sqs.us-east-1.amazonaws.com/" + ACCOUNT + "/" + NAME;
            dry(() -> sqs.sendMessage(b -> b.queueUrl(url).messageBody("{}").overrideConfiguration(DRY)));
            dry(() -> sqs.changeMessageVisibility(b -> b.queueUrl(url).receiptHandle(NAME).visibilityTimeout(1)
                    .overrideConfiguration(DRY)));
        }
    }

    private static final class S3 {

        static void warm(S3Client s3) {
            dry(() -> s3.putObject(b -> b.bucket(NAME).key(NAME).contentType("application/json")
                    .overrideConfiguration(DRY), RequestBody.fromString("{}")));
            dry(() -> s3.getObject(b -> b.bucket(NAME).key(NAME).overrideConfiguration(DRY),
                    ResponseTransformer.toBytes()));
        }
    }

    private static final class EventBridge {

        static void warm(EventBridgeClient events) {
            dry(() -> events.putEvents(b -> b.entries(PutEventsRequestEntry.builder().eventBusName(NAME)
                    .source(NAME).detailType(NAME).detail("{}").build()).overrideConfiguration(DRY)));
        }
    }

    private static final class Connections {

        static void warm(ApiGatewayManagementApiClient connections) {
            dry(() -> connections.postToConnection(b -> b.connectionId(NAME).data(SdkBytes.fromUtf8String("{}"))
                    .overrideConfiguration(DRY)));
        }
    }

    private static final class Ses {

        static void warm(SesV2Client ses) {
            dry(() -> ses.sendEmail(b -> b.fromEmailAddress("priming@example.com")
                    .destination(d -> d.toAddresses("priming@example.com"))
                    .content(c -> c.raw(r -> r.data(SdkBytes.fromUtf8String("Subject: priming\r\n\r\n"))))
                    .overrideConfiguration(DRY)));
        }
    }

    private static final class StepFunctions {

        static void warm(SfnClient sfn) {
            dry(() -> sfn.startExecution(b -> b.stateMachineArn("arn:aws:states:us-east-1:" + ACCOUNT
                    + ":stateMachine:" + NAME).name(NAME).input("{}").overrideConfiguration(DRY)));
        }
    }

    private static final class Bedrock {

        static void warm(BedrockRuntimeClient bedrock) {
            dry(() -> bedrock.invokeModel(b -> b.modelId("amazon.titan-embed-text-v2:0").contentType("application/json")
                    .body(SdkBytes.fromUtf8String("{}")).overrideConfiguration(DRY)));
            // The AI workers' chat: Converse marshals its own (rest-json) shapes.
            dry(() -> bedrock.converse(b -> b.modelId("us.anthropic.claude-sonnet-4-5-20250929-v1:0")
                    .messages(m -> m.role(ConversationRole.USER).content(ContentBlock.fromText("priming")))
                    .overrideConfiguration(DRY)));
        }
    }

    private static final class BedrockBatch {

        static void warm(BedrockClient bedrock) {
            dry(() -> bedrock.getModelInvocationJob(b -> b.jobIdentifier("arn:aws:bedrock:us-east-1:" + ACCOUNT
                    + ":model-invocation-job/" + NAME).overrideConfiguration(DRY)));
        }
    }
}
