package dev.sluice.core.topology;

import java.util.List;
import java.util.Optional;

/**
 * An API Gateway API whose every route integrates one function: an HTTP API whose routes are
 * {@code "METHOD /path/{param}"} (served as a REST API with Lambda proxy integration), or a WebSocket
 * API whose routes are route keys such as {@code $connect}, reached at {@code /{stage}}.
 *
 * <p>An API may have a Lambda {@code authorizer} (on a WebSocket API it guards {@code $connect}). An
 * HTTP API may also have {@code usagePlans}, which the API keys the authorizer identifies (its
 * {@code usageIdentifierKey}) are throttled and counted by, and {@code gatewayResponses}, what the
 * gateway answers when it refuses a request itself. API Gateway has neither for WebSocket APIs.
 */
public record ApiSpec(String name, Protocol protocol, String stage, String function, List<String> routes,
        AuthorizerSpec authorizer, List<UsagePlanSpec> usagePlans, List<GatewayResponseSpec> gatewayResponses) {

    public enum Protocol { HTTP, WEBSOCKET }

    public ApiSpec {
        routes = List.copyOf(routes);
        usagePlans = usagePlans == null ? List.of() : List.copyOf(usagePlans);
        gatewayResponses = gatewayResponses == null ? List.of() : List.copyOf(gatewayResponses);
    }

    /** An API that any caller may call: no authorizer, no usage plans. */
    public ApiSpec(String name, Protocol protocol, String stage, String function, List<String> routes) {
        this(name, protocol, stage, function, routes, null, List.of(), List.of());
    }

    public Optional<UsagePlanSpec> usagePlan(String planName) {
        return usagePlans.stream().filter(p -> p.name().equals(planName)).findFirst();
    }

    public Optional<GatewayResponseSpec> gatewayResponse(GatewayResponseSpec.Type type) {
        return gatewayResponses.stream().filter(r -> r.responseType() == type).findFirst();
    }

    public ApiSpec withAuthorizer(AuthorizerSpec newAuthorizer) {
        return new ApiSpec(name, protocol, stage, function, routes, newAuthorizer, usagePlans, gatewayResponses);
    }

    public ApiSpec withUsagePlans(List<UsagePlanSpec> plans) {
        return new ApiSpec(name, protocol, stage, function, routes, authorizer, plans, gatewayResponses);
    }
}
