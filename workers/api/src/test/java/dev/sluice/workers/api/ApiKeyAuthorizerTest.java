package dev.sluice.workers.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static dev.sluice.core.dynamodb.Attributes.s;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.hash.Sha256;
import dev.sluice.core.json.Json;
import dev.sluice.core.keys.ApiKeys;
import dev.sluice.core.keys.IssuedKey;
import dev.sluice.core.keys.KeyRole;
import dev.sluice.workers.support.LambdaJson;
import dev.sluice.workers.support.TestContext;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** The REQUEST authorizer on API Gateway's own events (fixtures), against DynamoDB Local's engine. */
class ApiKeyAuthorizerTest {

    private static final String TABLE = "sluice-api-keys";
    private static AmazonDynamoDBLocal local;
    private static DynamoDbClient dynamoDb;
    private static ApiKeys keys;
    private static ApiKeyAuthorizer authorizer;

    @BeforeAll
    static void startDynamoDb() {
        local = DynamoDBEmbedded.create(true);
        dynamoDb = local.dynamoDbClient();
        // The layout the topology declares: partition key keyHash (S).
        dynamoDb.createTable(b -> b.tableName(TABLE)
                .keySchema(KeySchemaElement.builder().attributeName("keyHash").keyType(KeyType.HASH).build())
                .attributeDefinitions(AttributeDefinition.builder().attributeName("keyHash")
                        .attributeType(ScalarAttributeType.S).build())
                .billingMode(BillingMode.PAY_PER_REQUEST));
        keys = new ApiKeys(dynamoDb, TABLE);
        authorizer = new ApiKeyAuthorizer(keys);
    }

    @AfterAll
    static void stopDynamoDb() {
        local.shutdown();
    }

    private static JsonNode authorize(String fixture, String presentedKey) {
        APIGatewayCustomAuthorizerEvent event = LambdaJson.fixture(fixture, APIGatewayCustomAuthorizerEvent.class,
                "PRESENTED_KEY", presentedKey);
        return LambdaJson.write(authorizer.handleRequest(event, new TestContext()));
    }

    @Test
    void aValidKeyIsAllowedOnTheWholeStageWithItsCallerAndUsageKey() {
        IssuedKey issued = keys.create("acme", "ada", "laptop", "bulk", 1_000);

        JsonNode answer = authorize("authorizer-request-rest.json", issued.secret());

        assertThat(answer.get("principalId").asText()).isEqualTo("acme/ada");
        assertThat(answer.get("policyDocument")).isEqualTo(Json.parse("""
                {"Version": "2012-10-17", "Statement": [{"Action": "execute-api:Invoke", "Effect": "Allow",
                 "Resource": ["arn:aws:execute-api:us-east-1:123456789012:abcdef123/prod/*"]}]}"""));
        assertThat(answer.get("context")).isEqualTo(Json.parse("{\"tenantId\": \"acme\", \"userId\": \"ada\","
                + " \"keyId\": \"" + issued.key().keyId() + "\", \"usagePlan\": \"bulk\", \"role\": \"tenant\"}"));
        assertThat(answer.get("usageIdentifierKey").asText()).isEqualTo(Sha256.hex(issued.secret()));
    }

    @Test
    void anAdminKeysRoleIsInTheContextTheApiReadsItsCallerFrom() {
        IssuedKey issued = keys.create("ops", "oscar", "on call", "default", KeyRole.ADMIN, 1_000);

        JsonNode answer = authorize("authorizer-request-rest.json", issued.secret());

        assertThat(answer.at("/policyDocument/Statement/0/Effect").asText()).isEqualTo("Allow");
        assertThat(answer.at("/context/role").asText()).isEqualTo("admin");
    }

    @Test
    void aKeyRowFromBeforeKeysHadARoleIsATenants() {
        String secret = "sk_from-before-roles";
        dynamoDb.putItem(b -> b.tableName(TABLE).item(Map.of("keyHash", s(Sha256.hex(secret)), "keyId",
                s("key_old"), "tenantId", s("acme"), "userId", s("ada"), "name", s("old"), "usagePlan", s("default"),
                "createdAt", AttributeValue.fromN("1000"))));

        JsonNode answer = authorize("authorizer-request-rest.json", secret);

        assertThat(answer.at("/policyDocument/Statement/0/Effect").asText()).isEqualTo("Allow");
        assertThat(answer.at("/context/role").asText()).isEqualTo("tenant");
    }

    @Test
    void aWebSocketConnectPresentingTheKeyAsAQueryParameterIsAllowedOnItsStage() {
        IssuedKey issued = keys.create("acme", "bob", "phone", "default", 1_000);

        JsonNode answer = authorize("authorizer-request-websocket.json", issued.secret());

        assertThat(answer.at("/policyDocument/Statement/0/Effect").asText()).isEqualTo("Allow");
        assertThat(answer.at("/policyDocument/Statement/0/Resource/0").asText())
                .isEqualTo("arn:aws:execute-api:us-east-1:123456789012:wsapi456/live/*");
        assertThat(answer.at("/context/userId").asText()).isEqualTo("bob");
    }

    @Test
    void anUnknownKeyIsDeniedWithNothingToMeterItBy() {
        JsonNode answer = authorize("authorizer-request-rest.json", "sk_never-issued");

        assertThat(answer.at("/policyDocument/Statement/0/Effect").asText()).isEqualTo("Deny");
        assertThat(answer.at("/policyDocument/Statement/0/Resource/0").asText())
                .isEqualTo("arn:aws:execute-api:us-east-1:123456789012:abcdef123/prod/*");
        assertThat(answer.path("usageIdentifierKey").isTextual()).isFalse();
        assertThat(answer.path("context").isObject()).isFalse();
    }

    @Test
    void aRevokedKeyIsDenied() {
        IssuedKey issued = keys.create("acme", "eve", "lost", "default", 1_000);
        assertThat(authorize("authorizer-request-rest.json", issued.secret())
                .at("/policyDocument/Statement/0/Effect").asText()).isEqualTo("Allow");

        assertThat(keys.revoke(issued.key().keyId(), 2_000)).isTrue();

        assertThat(authorize("authorizer-request-rest.json", issued.secret())
                .at("/policyDocument/Statement/0/Effect").asText()).isEqualTo("Deny");
    }

    @Test
    void noKeyAtAllFailsWithTheMessageApiGatewayAnswers401To() {
        APIGatewayCustomAuthorizerEvent event = LambdaJson.fixture("authorizer-request-websocket.json",
                APIGatewayCustomAuthorizerEvent.class, "PRESENTED_KEY", "");

        assertThatThrownBy(() -> authorizer.handleRequest(event, new TestContext())).hasMessage("Unauthorized");
    }

    @Test
    void aMethodArnThatIsNotExecuteApisFailsTheAuthorizer() {
        assertThat(ApiKeyAuthorizer.stageResource("arn:aws:execute-api:eu-west-1:1:api/stage/POST/v1/jobs"))
                .isEqualTo("arn:aws:execute-api:eu-west-1:1:api/stage/*");
        for (String bad : new String[] {"", "arn:aws:execute-api:eu-west-1:1:api", "arn:aws:execute-api:x:1:/s/GET"}) {
            assertThatThrownBy(() -> ApiKeyAuthorizer.stageResource(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
