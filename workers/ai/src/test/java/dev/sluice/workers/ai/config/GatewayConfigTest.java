package dev.sluice.workers.ai.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.ai.Guardrail;
import dev.sluice.core.schema.Schemas;
import dev.sluice.core.topology.DefinitionException;
import dev.sluice.core.topology.Definitions;
import dev.sluice.core.topology.FunctionSpec;
import dev.sluice.core.topology.Profile;
import dev.sluice.core.topology.ResourceKind;
import dev.sluice.core.topology.Topology;
import dev.sluice.workers.ai.budget.BudgetLimits;
import dev.sluice.workers.ai.cost.ModelPrice;
import dev.sluice.workers.ai.gateway.Route;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class GatewayConfigTest {

    private static final Schemas SCHEMAS = Definitions.bundledSchemas();

    @Test
    void theBundledConfigurationLoadsAndEveryProfileChoosesOneOfItsRouteSets() {
        GatewayConfig config = GatewayConfig.bundled();

        assertThat(config.defaultModelType()).isEqualTo("sonnet");
        for (Profile profile : Definitions.bundled().topology().profiles()) {
            assertThat(config.routeSets()).as(profile.name()).containsKey(profile.value("aiRoutes"));
        }
        assertThat(config.routeSets().keySet()).containsExactlyInAnyOrder("local", "openai", "bedrock", "dev",
                "staging", "prod");
    }

    /**
     * The CDK app grants Bedrock from the topology's uses: a route set a deployed profile calls Bedrock with
     * must name only models both AI workers may invoke and stream, and the batch lane's model must be priced.
     */
    @Test
    void everyModelABedrockProfileRoutesToIsGrantedToBothAiWorkersAndPriced() {
        GatewayConfig config = GatewayConfig.bundled();
        Topology topology = Definitions.bundled().topology();
        List<Profile> bedrock = topology.profiles().stream()
                .filter(p -> "bedrock".equals(p.value("chatModel"))).toList();
        assertThat(bedrock).extracting(Profile::name).contains("dev", "staging", "prod");
        for (Profile profile : bedrock) {
            for (Route route : config.routes(profile.value("aiRoutes")).values()) {
                for (String model : GatewayConfig.models(route)) {
                    for (String worker : List.of("ai-worker", "ai-worker-high")) {
                        FunctionSpec function = topology.functions().stream().filter(f -> f.name().equals(worker))
                                .findFirst().orElseThrow();
                        assertThat(function.uses(ResourceKind.MODEL, model)).as(profile.name() + " " + worker
                                + " " + model).anySatisfy(use -> assertThat(use.access())
                                        .contains("invoke-model", "invoke-stream"));
                    }
                }
            }
            assertThat(config.prices()).as(profile.name() + " batchModelId").containsKey(profile.value("batchModelId"));
        }
    }

    @Test
    void locallyEveryModelTypeGoesToTheOfflineProviderAtNoCost() {
        GatewayConfig config = GatewayConfig.bundled();

        for (Route route : config.routes("local").values()) {
            assertThat(route.modelId()).isEqualTo("offline-extractive-1");
            assertThat(config.providers().get(route.modelId())).isEqualTo("sluice-offline");
            ModelPrice price = config.prices().get(route.modelId());
            assertThat(List.of(price.inputPerMillion(), price.outputPerMillion(), price.cacheReadPerMillion(),
                    price.cacheWritePerMillion()))
                    .allSatisfy(p -> assertThat(p).isZero());
        }
    }

    @Test
    void onAwsSonnetFallsBackToHaikuAndEveryModelIsAPricedBedrockModel() {
        GatewayConfig config = GatewayConfig.bundled();

        for (String set : List.of("dev", "staging", "prod")) {
            var routes = config.routes(set);
            assertThat(routes.get("sonnet").fallbacks()).as(set).containsExactly(routes.get("haiku").modelId());
            assertThat(routes.get("opus").modelId()).contains("claude-opus");
            for (Route route : routes.values()) {
                for (String model : GatewayConfig.models(route)) {
                    assertThat(config.providers().get(model)).isEqualTo("bedrock");
                    assertThat(config.prices().get(model).outputPerMillion()).isPositive();
                }
            }
        }
    }

    @Test
    void aRouteWithGuardrailSemanticThresholdAndCanaryIsReadWhole() throws IOException {
        GatewayConfig config = GatewayConfig.parse(fixture("routes-with-guardrail-and-canary.json"), SCHEMAS, "test");

        Route sonnet = config.routes("test").get("sonnet");
        assertThat(sonnet).isEqualTo(new Route("sonnet", "m-big", List.of("m-small"), new Guardrail("abc123", "4"), 0.9,
                new Route.Canary("m-small", 10, 0.05, Duration.ofSeconds(5), new BigDecimal("0.02"),
                        Duration.ofMinutes(5), 20)));
        assertThat(config.routes("test").get("haiku").fallbacks()).isEmpty();
        assertThat(config.budgets()).isEqualTo(new BudgetLimits(new BigDecimal("1.5"), 1000));
        assertThat(config.prices().get("m-big").cacheWritePerMillion()).isEqualByComparingTo("3.75");
    }

    @Test
    void aRouteToAnUnpricedModelIsRefusedNamingIt() throws IOException {
        String text = fixture("routes-with-guardrail-and-canary.json").replace("\"model\": \"m-small\" }",
                "\"model\": \"m-free\" }");

        assertThatThrownBy(() -> GatewayConfig.parse(text, SCHEMAS, "ai-gateway.json"))
                .isInstanceOf(DefinitionException.class)
                .hasMessageContaining("ai-gateway.json").hasMessageContaining("routeSets.test.haiku")
                .hasMessageContaining("m-free");
    }

    @Test
    void aRouteSetWithoutOpusBreaksTheSchemaNamingTheField() throws IOException {
        String text = fixture("routes-with-guardrail-and-canary.json").replace(
                ",\n      \"opus\": { \"model\": \"m-big\", \"fallbacks\": [\"m-small\"] }", "");

        assertThatThrownBy(() -> GatewayConfig.parse(text, SCHEMAS, "ai-gateway.json"))
                .isInstanceOf(DefinitionException.class).hasMessageContaining("routeSets.test")
                .hasMessageContaining("opus");
    }

    @Test
    void anUnknownRouteSetNamesTheOnesThereAre() {
        assertThatThrownBy(() -> GatewayConfig.bundled().routes("qa"))
                .hasMessageContaining("AI_ROUTES qa").hasMessageContaining("[bedrock, dev, local, openai, prod, staging]");
    }

    private static String fixture(String name) throws IOException {
        try (InputStream in = GatewayConfigTest.class.getResourceAsStream("/gateway/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
