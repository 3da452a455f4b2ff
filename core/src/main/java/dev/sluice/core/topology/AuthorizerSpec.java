package dev.sluice.core.topology;

import java.util.List;
import java.util.Locale;

/**
 * An API's Lambda {@code REQUEST} authorizer, in API Gateway's terms: the function, the request
 * parameters that identify a caller ({@code method.request.header.x-api-key} on an HTTP API,
 * {@code route.request.querystring.apiKey} on a WebSocket API) and how long an answer is cached per
 * identity ({@code authorizerResultTtlInSeconds}, 0 for none).
 *
 * <p>As on AWS, every identity source must be present and non-empty or the gateway answers 401
 * without invoking the function; an authorizer without identity sources is invoked for every request
 * and may itself answer 401 by failing with the message {@code Unauthorized}.
 */
public record AuthorizerSpec(String type, String function, List<String> identitySource,
        int authorizerResultTtlInSeconds) {

    /** API Gateway's ceiling on an authorizer's cache TTL. */
    public static final int MAX_TTL_SECONDS = 3600;

    public AuthorizerSpec {
        type = type == null ? "REQUEST" : type;
        identitySource = identitySource == null ? List.of() : List.copyOf(identitySource);
    }

    public AuthorizerSpec(String function, List<String> identitySource, int authorizerResultTtlInSeconds) {
        this("REQUEST", function, identitySource, authorizerResultTtlInSeconds);
    }

    public AuthorizerSpec withTtlSeconds(int seconds) {
        return new AuthorizerSpec(type, function, identitySource, seconds);
    }

    /** The identity sources parsed: where in the request each is and its name. */
    public List<IdentitySource> sources() {
        return identitySource.stream().map(IdentitySource::parse).toList();
    }

    /** One identity source: {@code (method|route).request.(header|querystring).NAME}. */
    public record IdentitySource(String prefix, Location location, String name) {

        public enum Location { HEADER, QUERYSTRING }

        static IdentitySource parse(String expression) {
            String[] parts = expression.split("\\.", 4);
            if (parts.length != 4 || !parts[1].equals("request")) {
                throw new IllegalArgumentException("identity source \"" + expression
                        + "\" is not (method|route).request.(header|querystring).NAME");
            }
            return new IdentitySource(parts[0], Location.valueOf(parts[2].toUpperCase(Locale.ROOT)), parts[3]);
        }
    }
}
