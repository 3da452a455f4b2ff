package dev.sluice.local.apigw;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.sluice.core.json.Json;
import dev.sluice.core.topology.AuthorizerSpec;
import dev.sluice.core.topology.GatewayResponseSpec.Type;
import dev.sluice.local.lambda.FunctionError;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * A Lambda {@code REQUEST} authorizer as API Gateway runs it: an identity source that is absent or
 * empty is refused 401 without invoking the function; otherwise the function's answer (principal,
 * IAM policy, context, usage identifier key) is cached per identity-source values for the TTL and its
 * policy evaluated against each request's method ARN. The function failing with the message
 * {@code Unauthorized} is a 401; failing otherwise a 500 (AUTHORIZER_FAILURE), and an answer without a
 * principal or a readable policy a 500 (AUTHORIZER_CONFIGURATION_ERROR). Failures are not cached.
 */
final class LambdaAuthorizer {

    private static final System.Logger LOG = System.getLogger(LambdaAuthorizer.class.getName());
    private static final String UNAUTHORIZED = "Unauthorized";
    /** Identities cached at once: a bound, where API Gateway documents none, so no client can grow it without end. */
    private static final long MAX_CACHED = 100_000;

    sealed interface Decision {
    }

    /** Let through; {@code authorizer} is what the integration gets as {@code requestContext.authorizer}. */
    record Allowed(ObjectNode authorizer, String usageIdentifierKey) implements Decision {
    }

    record Refused(Type type) implements Decision {
    }

    private record Answer(String principalId, AuthorizerPolicy policy, ObjectNode context, String usageIdentifierKey,
            long latencyMillis) {
    }

    private static final class RefusedException extends RuntimeException {

        private final Type type;

        RefusedException(Type type) {
            super(type.name(), null, false, false);
            this.type = type;
        }
    }

    private final AuthorizerSpec spec;
    private final FunctionInvoker invoker;
    private final Clock clock;
    private final Cache<List<String>, Answer> cache;

    LambdaAuthorizer(AuthorizerSpec spec, FunctionInvoker invoker, Clock clock) {
        this.spec = spec;
        this.invoker = invoker;
        this.clock = clock;
        this.cache = Caffeine.newBuilder().maximumSize(MAX_CACHED)
                .expireAfterWrite(Duration.ofSeconds(Math.max(1, spec.authorizerResultTtlInSeconds())))
                .ticker(() -> clock.millis() * 1_000_000L).build();
    }

    AuthorizerSpec spec() {
        return spec;
    }

    /**
     * @param identity the values of the spec's identity sources, in order (null where absent)
     * @param methodArn what the request asks to invoke, {@code arn:aws:execute-api:...:API/STAGE/VERB/path}
     * @param event the authorizer's REQUEST event, built only if the function is invoked
     */
    Decision authorize(List<String> identity, String methodArn, Supplier<ObjectNode> event) {
        if (identity.stream().anyMatch(v -> v == null || v.isEmpty())) {
            return new Refused(Type.UNAUTHORIZED);
        }
        Answer answer;
        try {
            answer = spec.authorizerResultTtlInSeconds() > 0 ? cache.get(List.copyOf(identity), k -> invoke(event))
                    : invoke(event);
        } catch (RefusedException e) {
            return new Refused(e.type);
        }
        if (!answer.policy().allows(methodArn)) {
            return new Refused(Type.ACCESS_DENIED);
        }
        ObjectNode authorizer = Json.object();
        authorizer.put("principalId", answer.principalId());
        if (answer.context() != null) {
            authorizer.setAll(answer.context());
        }
        authorizer.put("integrationLatency", answer.latencyMillis());
        return new Allowed(authorizer, answer.usageIdentifierKey());
    }

    private Answer invoke(Supplier<ObjectNode> event) {
        long started = clock.millis();
        byte[] response;
        try {
            response = invoker.invoke(spec.function(), Json.write(event.get()).getBytes(StandardCharsets.UTF_8));
        } catch (FunctionError e) {
            if (UNAUTHORIZED.equals(e.getMessage())) {
                throw new RefusedException(Type.UNAUTHORIZED);
            }
            LOG.log(Level.WARNING, "authorizer {0} failed: {1}: {2}", spec.function(), e.errorType(), e.getMessage());
            throw new RefusedException(Type.AUTHORIZER_FAILURE);
        }
        JsonNode answer;
        try {
            answer = Json.parse(new String(response, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            answer = Json.object();
        }
        AuthorizerPolicy policy = AuthorizerPolicy.parse(answer.get("policyDocument"));
        JsonNode principal = answer.get("principalId");
        JsonNode context = answer.get("context");
        JsonNode usageKey = answer.get("usageIdentifierKey");
        boolean scalarContext = context == null || context.isNull()
                || context.isObject() && context.valueStream().allMatch(JsonNode::isValueNode);
        if (policy == null || principal == null || !principal.isTextual() || !scalarContext
                || usageKey != null && !usageKey.isNull() && !usageKey.isTextual()) {
            LOG.log(Level.WARNING, "authorizer {0} answered what API Gateway cannot use: {1}", spec.function(),
                    answer);
            throw new RefusedException(Type.AUTHORIZER_CONFIGURATION_ERROR);
        }
        return new Answer(principal.asText(), policy, context != null && context.isObject() ? (ObjectNode) context
                : null, usageKey == null || usageKey.isNull() ? null : usageKey.asText(), clock.millis() - started);
    }
}
