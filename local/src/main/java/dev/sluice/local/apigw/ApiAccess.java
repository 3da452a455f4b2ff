package dev.sluice.local.apigw;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.topology.ApiSpec;
import dev.sluice.core.topology.AuthorizerSpec;
import dev.sluice.core.topology.GatewayResponseSpec.Type;
import dev.sluice.core.topology.UsagePlanSpec;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Who may call an HTTP API and how much, in API Gateway's order: the authorizer (401, 403, 500),
 * then the usage plan of the API key it names as {@code usageIdentifierKey} (403 for a key in no
 * plan, 429 over its quota or throttle). Refusals are the API's gateway responses.
 *
 * <p>On AWS the plan of a key is the usage plan its API Gateway API key was added to; here it is
 * the plan the authorizer's context names as {@code usagePlan}.
 */
final class ApiAccess {

    static final String USAGE_PLAN = "usagePlan";

    sealed interface Outcome {
    }

    /** Let through: {@code authorizer} (null without one) goes to the integration, {@code apiKey} is what was metered. */
    record Pass(ObjectNode authorizer, String apiKey) implements Outcome {
    }

    record Refuse(GatewayResponses.Response response) implements Outcome {
    }

    private final ApiSpec api;
    private final LambdaAuthorizer authorizer;
    private final UsageMeter meter;
    private final GatewayResponses responses;

    private ApiAccess(ApiSpec api, LambdaAuthorizer authorizer, UsageMeter meter) {
        this.api = api;
        this.authorizer = authorizer;
        this.meter = meter;
        this.responses = new GatewayResponses(api);
    }

    /** Anyone may call, unmetered. */
    static ApiAccess open(ApiSpec api) {
        return new ApiAccess(api, null, null);
    }

    /** As the API declares; {@code meter} keeps the usage plans' counts (null if the API has no plans). */
    static ApiAccess of(ApiSpec api, FunctionInvoker invoker, UsageMeter meter, Clock clock) {
        return new ApiAccess(api, api.authorizer() == null ? null : new LambdaAuthorizer(api.authorizer(), invoker,
                clock), meter);
    }

    /**
     * @param parameter a request parameter by identity source (a header or query parameter), null if absent
     * @param event the authorizer's REQUEST event, built only if it is invoked
     */
    Outcome check(String methodArn, Function<AuthorizerSpec.IdentitySource, String> parameter,
            Supplier<ObjectNode> event) {
        if (authorizer == null) {
            return new Pass(null, null);
        }
        List<String> identity = authorizer.spec().sources().stream().map(parameter).toList();
        return switch (authorizer.authorize(identity, methodArn, event)) {
            case LambdaAuthorizer.Refused refused -> refuse(refused.type());
            case LambdaAuthorizer.Allowed allowed -> meter(allowed);
        };
    }

    private Outcome meter(LambdaAuthorizer.Allowed allowed) {
        if (api.usagePlans().isEmpty()) {
            return new Pass(allowed.authorizer(), allowed.usageIdentifierKey());
        }
        String usageKey = allowed.usageIdentifierKey();
        Optional<UsagePlanSpec> plan = Optional.ofNullable(allowed.authorizer().get(USAGE_PLAN))
                .map(JsonNode::asText).flatMap(api::usagePlan);
        if (usageKey == null || usageKey.isEmpty() || plan.isEmpty()) {
            return refuse(Type.INVALID_API_KEY);
        }
        return switch (meter.admit(plan.get(), usageKey)) {
            case ADMITTED -> new Pass(allowed.authorizer(), usageKey);
            case THROTTLED -> refuse(Type.THROTTLED);
            case QUOTA_EXCEEDED -> refuse(Type.QUOTA_EXCEEDED);
        };
    }

    private Outcome refuse(Type type) {
        return new Refuse(responses.of(type));
    }
}
