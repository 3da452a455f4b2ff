package dev.sluice.core.topology;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * What the gateway answers, instead of API Gateway's default {@code {"message"}}, when it refuses a
 * request itself: a status, static headers (API Gateway's {@code gatewayresponse.header.*} with
 * literal values) and a static JSON body (its {@code application/json} response template).
 */
public record GatewayResponseSpec(Type responseType, int statusCode, Map<String, String> responseHeaders,
        JsonNode responseBody) {

    public GatewayResponseSpec {
        responseHeaders = responseHeaders == null ? Map.of() : Map.copyOf(responseHeaders);
    }

    /** API Gateway's response types that a gateway with an authorizer and usage plans gives, with their default status. */
    public enum Type {
        UNAUTHORIZED(401), ACCESS_DENIED(403), AUTHORIZER_FAILURE(500), AUTHORIZER_CONFIGURATION_ERROR(500),
        INVALID_API_KEY(403), THROTTLED(429), QUOTA_EXCEEDED(429), DEFAULT_4XX(0), DEFAULT_5XX(0);

        private final int defaultStatus;

        Type(int defaultStatus) {
            this.defaultStatus = defaultStatus;
        }

        public int defaultStatus() {
            return defaultStatus;
        }
    }
}
