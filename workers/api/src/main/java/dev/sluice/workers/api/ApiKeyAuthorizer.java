package dev.sluice.workers.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.IamPolicyResponseV1;
import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.keys.ApiKey;
import dev.sluice.core.keys.ApiKeys;
import dev.sluice.workers.config.Setting;
import dev.sluice.workers.http.Caller;
import dev.sluice.workers.http.Headers;
import dev.sluice.workers.priming.Priming;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The Lambda {@code REQUEST} authorizer of both APIs: finds the presented API key (header
 * {@code x-api-key}, or on a WebSocket {@code $connect} the query parameter {@code apiKey}) by its
 * SHA-256 with one GetItem, and answers API Gateway with an IAM policy:
 * <ul>
 * <li>a valid key: Allow, {@code context} {tenantId, userId, keyId, usagePlan, role} for the integration,
 * and the key's hash as {@code usageIdentifierKey}, which the gateway meters it by;</li>
 * <li>an unknown or revoked key: Deny (403);</li>
 * <li>no key at all: the error {@code Unauthorized}, which API Gateway answers 401 to.</li>
 * </ul>
 * The gateway caches the answer per key for the authorizer's TTL, and applies it to every route, so
 * the policy's resource is the whole stage ({@code .../{api}/{stage}/*}), not the method asked for.
 */
public final class ApiKeyAuthorizer implements RequestHandler<APIGatewayCustomAuthorizerEvent, IamPolicyResponseV1> {

    public static final String TENANT_ID = Caller.TENANT_ID;
    public static final String USER_ID = Caller.USER_ID;
    public static final String KEY_ID = Caller.KEY_ID;
    public static final String USAGE_PLAN = "usagePlan";
    public static final String ROLE = Caller.ROLE;
    public static final String HEADER = "x-api-key";
    public static final String QUERY_PARAMETER = "apiKey";
    /** The one error message API Gateway turns into 401 rather than 500. */
    public static final String UNAUTHORIZED = "Unauthorized";
    private static final String NO_PRINCIPAL = "anonymous";

    private final ApiKeys keys;

    public ApiKeyAuthorizer() {
        this(AwsClients.fromEnvironment());
    }

    private ApiKeyAuthorizer(AwsClients aws) {
        this(new ApiKeys(aws.build(DynamoDbClient.builder(), "DYNAMODB"), Setting.API_KEYS_TABLE.from(aws)));
        Priming.of(ApiKeyAuthorizer.class, aws).register(this);
    }

    public ApiKeyAuthorizer(ApiKeys keys) {
        this.keys = keys;
    }

    @Override
    public IamPolicyResponseV1 handleRequest(APIGatewayCustomAuthorizerEvent event, Context context) {
        String presented = presentedKey(event);
        if (presented == null) {
            throw new UnauthorizedException();
        }
        String stage = stageResource(event.getMethodArn());
        Optional<ApiKey> found = keys.find(presented);
        if (found.isEmpty() || found.get().revoked()) {
            return new IamPolicyResponseV1(NO_PRINCIPAL, policy(IamPolicyResponseV1.DENY, stage), null, null);
        }
        ApiKey key = found.get();
        return new IamPolicyResponseV1(key.tenantId() + "/" + key.userId(), policy(IamPolicyResponseV1.ALLOW, stage),
                Map.of(TENANT_ID, key.tenantId(), USER_ID, key.userId(), KEY_ID, key.keyId(),
                        USAGE_PLAN, key.usagePlan(), ROLE, key.role().wire()),
                key.keyHash());
    }

    private static String presentedKey(APIGatewayCustomAuthorizerEvent event) {
        String key = Headers.get(event.getHeaders(), HEADER);
        if ((key == null || key.isBlank()) && event.getQueryStringParameters() != null) {
            key = event.getQueryStringParameters().get(QUERY_PARAMETER);
        }
        return key == null || key.isBlank() ? null : key;
    }

    /**
     * {@code arn:aws:execute-api:REGION:ACCOUNT:API/STAGE/*} from the method ARN asked for
     * ({@code .../API/STAGE/GET/v1/jobs}, or {@code .../API/STAGE/$connect}).
     */
    static String stageResource(String methodArn) {
        int resource = methodArn == null ? -1 : methodArn.lastIndexOf(':');
        String[] path = resource < 0 ? new String[0] : methodArn.substring(resource + 1).split("/", 3);
        if (path.length < 3 || path[0].isEmpty() || path[1].isEmpty() || !methodArn.startsWith("arn:")) {
            throw new IllegalArgumentException("not an execute-api method ARN: " + methodArn);
        }
        return methodArn.substring(0, resource + 1) + path[0] + "/" + path[1] + "/*";
    }

    private static IamPolicyResponseV1.PolicyDocument policy(String effect, String resource) {
        return new IamPolicyResponseV1.PolicyDocument(IamPolicyResponseV1.VERSION_2012_10_17,
                List.of(new IamPolicyResponseV1.Statement(IamPolicyResponseV1.EXECUTE_API_INVOKE, effect,
                        List.of(resource), null)));
    }

    /** Lambda reports the exception's message, {@code Unauthorized}, which is what API Gateway looks for. */
    static final class UnauthorizedException extends RuntimeException {

        UnauthorizedException() {
            super(UNAUTHORIZED, null, false, false);
        }
    }
}
