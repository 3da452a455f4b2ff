package dev.sluice.local.apigw;

import dev.sluice.core.json.Json;
import dev.sluice.core.topology.ApiSpec;
import dev.sluice.core.topology.GatewayResponseSpec;
import dev.sluice.core.topology.GatewayResponseSpec.Type;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * What the gateway answers when it refuses a request itself, as API Gateway picks it: the API's
 * response of that type, else its {@code DEFAULT_4XX}/{@code DEFAULT_5XX}, else API Gateway's own
 * {@code {"message": ...}}. Headers and bodies are static, as a gateway response's are.
 */
final class GatewayResponses {

    /** A response ready to send. */
    record Response(int status, Map<String, String> headers, byte[] body) {
    }

    /** API Gateway's default messages. */
    private static final Map<Type, String> DEFAULT_MESSAGES = Map.of(
            Type.UNAUTHORIZED, "Unauthorized",
            Type.ACCESS_DENIED, "User is not authorized to access this resource with an explicit deny",
            Type.AUTHORIZER_FAILURE, "Internal server error",
            Type.AUTHORIZER_CONFIGURATION_ERROR, "Internal server error",
            Type.INVALID_API_KEY, "Forbidden",
            Type.THROTTLED, "Too Many Requests",
            Type.QUOTA_EXCEEDED, "Limit Exceeded");

    private final ApiSpec api;

    GatewayResponses(ApiSpec api) {
        this.api = api;
    }

    Response of(Type type) {
        int status = type.defaultStatus();
        GatewayResponseSpec declared = api.gatewayResponse(type)
                .or(() -> api.gatewayResponse(status >= 500 ? Type.DEFAULT_5XX : Type.DEFAULT_4XX)).orElse(null);
        if (declared == null) {
            return new Response(status, Map.of(), Json.write(Json.object().put("message", DEFAULT_MESSAGES.get(type)))
                    .getBytes(StandardCharsets.UTF_8));
        }
        // A DEFAULT_4XX/5XX standing in for a type keeps that type's status: its own may be any 4xx/5xx.
        int declaredStatus = declared.responseType() == type ? declared.statusCode() : status;
        return new Response(declaredStatus, declared.responseHeaders(),
                Json.write(declared.responseBody()).getBytes(StandardCharsets.UTF_8));
    }
}
