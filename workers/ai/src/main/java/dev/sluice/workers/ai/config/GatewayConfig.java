package dev.sluice.workers.ai.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.ai.Guardrail;
import dev.sluice.core.json.Json;
import dev.sluice.core.schema.Schemas;
import dev.sluice.core.schema.Violation;
import dev.sluice.core.topology.DefinitionException;
import dev.sluice.core.topology.Definitions;
import dev.sluice.workers.ai.gateway.Route;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import dev.sluice.workers.ai.budget.BudgetLimits;
import dev.sluice.workers.ai.cost.ModelPrice;

/**
 * The AI gateway's configuration ({@code core/src/main/resources/sluice/ai-gateway.json}): the price
 * and provider of every model, the route sets a profile chooses from with {@code AI_ROUTES}, the
 * budgets' defaults and the request defaults. Loading checks it against its schema and checks what a
 * schema cannot: every model a route names is priced, and the default model type is routed.
 */
public record GatewayConfig(String defaultModelType, GatewayDefaults defaults, BudgetLimits budgets,
        Map<String, ModelPrice> prices, Map<String, String> providers, Map<String, Map<String, Route>> routeSets) {

    public static final String RESOURCE = "sluice/ai-gateway.json";
    static final String DISPLAY_NAME = "core/src/main/resources/" + RESOURCE;
    static final String SCHEMA = "definitions/ai-gateway";
    /** The model types a job may ask for, as {@code modelType} and {@code X-Model-Type} name them. */
    public static final List<String> MODEL_TYPES = List.of("haiku", "sonnet", "opus");

    public GatewayConfig {
        prices = Map.copyOf(prices);
        providers = Map.copyOf(providers);
        routeSets = Map.copyOf(routeSets);
    }

    /** The configuration shipped in this build. */
    public static GatewayConfig bundled() {
        return bundled(Definitions.bundledSchemas());
    }

    public static GatewayConfig bundled(Schemas schemas) {
        try (InputStream in = GatewayConfig.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the build holds no " + RESOURCE);
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), schemas, DISPLAY_NAME);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code text} read as the configuration; {@code displayName} names it in every error. */
    public static GatewayConfig parse(String text, Schemas schemas, String displayName) {
        JsonNode root;
        try {
            root = Json.parse(text);
        } catch (IllegalArgumentException e) {
            throw new DefinitionException(displayName, e.getMessage());
        }
        List<Violation> violations = schemas.validate(SCHEMA, root);
        if (!violations.isEmpty()) {
            Violation first = violations.get(0);
            throw new DefinitionException(displayName, (first.field().isEmpty() ? "" : first.field() + ": ")
                    + first.message());
        }
        Map<String, ModelPrice> prices = new LinkedHashMap<>();
        Map<String, String> providers = new LinkedHashMap<>();
        root.get("models").properties().forEach(model -> {
            JsonNode price = model.getValue().get("price");
            prices.put(model.getKey(), new ModelPrice(usd(price.get("input")), usd(price.get("output")),
                    usd(price.get("cacheRead")), usd(price.get("cacheWrite"))));
            providers.put(model.getKey(), model.getValue().get("provider").asText());
        });
        Map<String, Map<String, Route>> sets = new LinkedHashMap<>();
        root.get("routeSets").properties().forEach(set -> {
            Map<String, Route> routes = new LinkedHashMap<>();
            for (String type : MODEL_TYPES) {
                Route route = route(type, set.getValue().get(type));
                for (String model : models(route)) {
                    if (!prices.containsKey(model)) {
                        throw new DefinitionException(displayName, "routeSets." + set.getKey() + "." + type
                                + " names model " + model + ", which models does not price");
                    }
                }
                routes.put(type, route);
            }
            sets.put(set.getKey(), Map.copyOf(routes));
        });
        JsonNode defaults = root.get("defaults");
        JsonNode budgets = root.get("budgets");
        return new GatewayConfig(root.get("defaultModelType").asText(),
                new GatewayDefaults(defaults.get("maxTokens").asInt(), defaults.get("temperature").asDouble(),
                        defaults.get("historyTokens").asInt(), defaults.get("documents").asInt()),
                new BudgetLimits(usd(budgets.get("dailyUsd")), budgets.get("tokensPerMinute").asLong()),
                prices, providers, sets);
    }

    /** The routes of set {@code name} by model type; an unknown set names the ones there are. */
    public Map<String, Route> routes(String name) {
        Map<String, Route> routes = routeSets.get(name);
        if (routes == null) {
            throw new IllegalStateException("AI_ROUTES " + name + " is not a route set of " + DISPLAY_NAME
                    + ": one of " + new java.util.TreeSet<>(routeSets.keySet()));
        }
        return routes;
    }

    /** Every model a route may call: its own, its fallbacks' and its canary's. */
    public static List<String> models(Route route) {
        List<String> models = new ArrayList<>();
        models.add(route.modelId());
        models.addAll(route.fallbacks());
        if (route.canary() != null) {
            models.add(route.canary().modelId());
        }
        return models;
    }

    private static Route route(String type, JsonNode node) {
        List<String> fallbacks = new ArrayList<>();
        node.path("fallbacks").forEach(f -> fallbacks.add(f.asText()));
        JsonNode g = node.get("guardrail");
        JsonNode c = node.get("canary");
        return new Route(type, node.get("model").asText(), fallbacks,
                g == null ? null : new Guardrail(g.get("id").asText(), g.get("version").asText()),
                node.has("semanticThreshold") ? node.get("semanticThreshold").asDouble() : null,
                c == null ? null : new Route.Canary(c.get("model").asText(), c.get("percent").asInt(),
                        c.get("maxErrorRate").asDouble(), Duration.ofMillis(c.get("maxP95LatencyMs").asLong()),
                        usd(c.get("maxCostPerRequestUsd")), Duration.ofSeconds(c.get("windowSeconds").asLong()),
                        c.get("minRequests").asInt()));
    }

    private static BigDecimal usd(JsonNode node) {
        return new BigDecimal(node.asText());
    }
}
