package dev.sluice.core.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DefinitionsTest {

    private final Topology topology = Definitions.bundled().topology();

    @Test
    void theQueuesCarryTheSettingsTheyWereAskedFor() {
        assertThat(topology.queue("ai-requests").orElseThrow())
                .isEqualTo(new QueueSpec("ai-requests", 300, 14 * 86400, new QueueSpec.DeadLetter(3, 14 * 86400)));
        assertThat(topology.queue("analytics").orElseThrow())
                .isEqualTo(new QueueSpec("analytics", 60, 7 * 86400, new QueueSpec.DeadLetter(5, 14 * 86400)));
        assertThat(topology.queue("email").orElseThrow())
                .isEqualTo(new QueueSpec("email", 30, 3 * 86400, new QueueSpec.DeadLetter(3, 14 * 86400)));
        assertThat(topology.queue("ai-requests-high").orElseThrow().deadLetter().maxReceiveCount()).isEqualTo(3);
        assertThat(topology.allQueueNames()).contains("ai-requests-dlq", "ai-requests-high-dlq", "analytics-dlq",
                "email-dlq", "event-delivery-dlq");
    }

    @Test
    void everyDeadLetterQueueKeepsMessagesAtLeastAsLongAsItsSource() {
        for (QueueSpec q : topology.queues()) {
            if (q.hasDeadLetterQueue()) {
                assertThat(q.deadLetter().retentionSeconds()).as(q.name())
                        .isGreaterThanOrEqualTo(q.retentionSeconds())
                        // Strictly longer wherever SQS's 14-day cap leaves room.
                        .isGreaterThan(Math.min(q.retentionSeconds(), QueueSpec.MAX_RETENTION_SECONDS - 1));
            }
        }
    }

    @Test
    void everyTriggeredQueueFollowsAwsSixTimesTheTimeoutGuidance() {
        for (FunctionSpec f : topology.functions()) {
            if (f.sqsTrigger() != null) {
                QueueSpec q = topology.queue(f.sqsTrigger().queue()).orElseThrow();
                assertThat(q.visibilityTimeoutSeconds()).as(f.name())
                        .isGreaterThanOrEqualTo(6 * f.timeoutSeconds() + f.sqsTrigger().maximumBatchingWindowSeconds());
            }
        }
    }

    @Test
    void everyWorkQueueIsDrainedByAFunction() {
        for (QueueSpec q : topology.queues()) {
            if (q.hasDeadLetterQueue()) {
                assertThat(topology.functions()).as(q.name())
                        .anyMatch(f -> f.sqsTrigger() != null && f.sqsTrigger().queue().equals(q.name()));
            }
        }
    }

    @Test
    void anUnknownFieldInTheTopologyNamesFileAndField(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        edit(dir.resolve("topology.json"), "\"visibilityTimeoutSeconds\": 30,", "\"visibilityTimeout\": 30,");
        assertThatThrownBy(() -> Definitions.load(dir))
                .isInstanceOf(DefinitionException.class)
                .hasMessageStartingWith(dir.resolve("topology.json") + ": queues[")
                .hasMessageContaining("visibilityTimeout");
    }

    @Test
    void aTriggerOnAnUnknownQueueIsRefused(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        edit(dir.resolve("topology.json"), "\"queue\": \"email\"", "\"queue\": \"emails\"");
        assertThatThrownBy(() -> Definitions.load(dir))
                .hasMessage(dir.resolve("topology.json") + ": function \"email-worker\" is triggered by unknown queue \"emails\"");
    }

    @Test
    void aFunctionOutlivingItsQueueVisibilityIsRefused(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        edit(dir.resolve("topology.json"), "\"timeoutSeconds\": 4,", "\"timeoutSeconds\": 31,");
        assertThatThrownBy(() -> Definitions.load(dir))
                .hasMessageContaining("function \"email-worker\" times out after 31 s");
    }

    @Test
    void aRuleWithAnInvalidPatternNamesItsFile(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        Path rule = dir.resolve("events/rules/jobs-email.json");
        edit(rule, "\"detail\": { \"type\": [\"email.send\"] }", "\"detail\": { \"type\": [{ \"prefix\": 42 }] }");
        assertThatThrownBy(() -> Definitions.load(dir))
                .hasMessageStartingWith(rule + ": eventPattern is not a valid EventBridge pattern");
    }

    @Test
    void aRuleTargetingAnUnknownQueueNamesItsFile(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        Path rule = dir.resolve("events/rules/jobs-email.json");
        edit(rule, "\"sqs\": \"email\"", "\"sqs\": \"e-mail\"");
        assertThatThrownBy(() -> Definitions.load(dir))
                .hasMessage(rule + ": target \"queue\": no sqs named \"e-mail\" in the topology");
    }

    @Test
    void aRuleFileThatIsNotJsonNamesItsFile(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        Path rule = dir.resolve("events/rules/jobs-email.json");
        Files.writeString(rule, "{ \"name\": ");
        assertThatThrownBy(() -> Definitions.load(dir)).hasMessageStartingWith(rule + ": not valid JSON");
    }

    @Test
    void anAslFileWithoutStatesNamesItsFile(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        Path asl = dir.resolve("statemachines/broken.asl.json");
        Files.createDirectories(asl.getParent());
        Files.writeString(asl, "{\"StartAt\": \"A\"}");
        assertThatThrownBy(() -> Definitions.load(dir))
                .hasMessage(asl + ": an ASL definition needs \"StartAt\" and \"States\"");
    }

    @Test
    void aDirectoryWithoutTheDefinitionSchemasSaysSo(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("topology.json"), "{}");
        assertThatThrownBy(() -> Definitions.load(dir))
                .isInstanceOf(DefinitionException.class)
                .hasMessage(dir.resolve("schemas/definitions/topology.schema.json")
                        + ": is missing; the definitions cannot be checked without it");
    }

    @Test
    void theHttpApiMetersKeysByTheSeedsUsagePlansAndCachesItsAuthorizerFor300Seconds() {
        ApiSpec api = topology.api("sluice-api").orElseThrow();
        assertThat(api.usagePlan("default").orElseThrow()).isEqualTo(new UsagePlanSpec("default",
                "Every key unless it names another plan.", new UsagePlanSpec.Throttle(100, 50),
                new UsagePlanSpec.Quota(10_000, UsagePlanSpec.Period.MONTH)));
        assertThat(api.usagePlan("bulk")).isPresent();
        assertThat(api.authorizer()).isEqualTo(new AuthorizerSpec("api-authorizer",
                List.of("method.request.header.x-api-key"), 300));
        assertThat(topology.function("api-authorizer").orElseThrow().handler())
                .isEqualTo("dev.sluice.workers.api.ApiKeyAuthorizer");
        assertThat(api.gatewayResponses()).extracting(r -> r.responseType() + " " + r.statusCode() + " "
                + r.responseBody().at("/error/code").asText()).containsExactly(
                        "UNAUTHORIZED 401 missing_api_key", "ACCESS_DENIED 403 invalid_api_key",
                        "THROTTLED 429 rate_limited", "QUOTA_EXCEEDED 429 quota_exceeded");
        ApiSpec ws = topology.api("sluice-ws").orElseThrow();
        assertThat(ws.authorizer().function()).isEqualTo("api-authorizer");
        assertThat(ws.authorizer().authorizerResultTtlInSeconds()).isZero();
    }

    @Test
    void anAuthorizerNamingAnUnknownFunctionIsRefused(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        editApi(dir, "sluice-api", api -> ((ObjectNode) api.get("authorizer")).put("function", "nobody"));
        assertThatThrownBy(() -> Definitions.load(dir)).hasMessage(dir.resolve("topology.json")
                + ": api \"sluice-api\": the authorizer names unknown function \"nobody\"");
    }

    @Test
    void twoUsagePlansOfOneNameAreRefused(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        editApi(dir, "sluice-api", api -> ((ObjectNode) api.get("usagePlans").get(1)).put("name", "default"));
        assertThatThrownBy(() -> Definitions.load(dir)).hasMessage(dir.resolve("topology.json")
                + ": api \"sluice-api\": usage plan name \"default\" is declared twice");
    }

    @Test
    void anApiWithUsagePlansButNoneNamedDefaultIsRefused(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        editApi(dir, "sluice-api", api -> ((ObjectNode) api.get("usagePlans").get(0)).put("name", "standard"));
        assertThatThrownBy(() -> Definitions.load(dir)).hasMessageContaining("no usage plan is named \"default\"");
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({
            "/usagePlans/0/throttle/rateLimit, 10001",
            "/usagePlans/0/throttle/rateLimit, 0",
            "/usagePlans/0/throttle/burstLimit, 5001",
            "/usagePlans/0/quota/limit, 0",
            "/authorizer/authorizerResultTtlInSeconds, 3601",
    })
    void aValueBeyondApiGatewaysLimitsIsRefusedNamingTheField(String pointer, long value, @TempDir Path dir)
            throws IOException {
        Definitions.exportBundled(dir);
        int slash = pointer.lastIndexOf('/');
        editApi(dir, "sluice-api", api -> ((ObjectNode) api.at(pointer.substring(0, slash)))
                .put(pointer.substring(slash + 1), value));
        String field = pointer.substring(1).replaceAll("/(\\d+)", "[$1]").replace('/', '.');
        assertThatThrownBy(() -> Definitions.load(dir)).isInstanceOf(DefinitionException.class)
                .hasMessageContaining(field);
    }

    @Test
    void aQuotaPeriodApiGatewayDoesNotKnowIsRefused(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        editApi(dir, "sluice-api", api -> ((ObjectNode) api.at("/usagePlans/0/quota")).put("period", "YEAR"));
        assertThatThrownBy(() -> Definitions.load(dir)).hasMessageContaining("quota.period");
    }

    @Test
    void aGatewayResponseWhoseBodyIsNotTheApisErrorShapeIsRefused(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        editApi(dir, "sluice-api", api -> ((ObjectNode) api.at("/gatewayResponses/0")).putObject("responseBody")
                .put("message", "Unauthorized"));
        assertThatThrownBy(() -> Definitions.load(dir)).hasMessageContaining("gatewayResponses[0].responseBody");
    }

    @Test
    void aCachedWebSocketAuthorizerIsRefusedAsApiGatewayCachesNone(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        editApi(dir, "sluice-ws", api -> ((ObjectNode) api.get("authorizer")).put("authorizerResultTtlInSeconds", 300)
                .putArray("identitySource").add("route.request.querystring.apiKey"));
        assertThatThrownBy(() -> Definitions.load(dir)).hasMessageContaining(
                "API Gateway does not cache a WebSocket API's authorizer");
    }

    @Test
    void anIdentitySourceOfTheOtherKindOfApiIsRefused(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        editApi(dir, "sluice-api", api -> ((ObjectNode) api.get("authorizer")).putArray("identitySource")
                .add("route.request.header.x-api-key"));
        assertThatThrownBy(() -> Definitions.load(dir)).hasMessageContaining(
                "an identity source of a HTTP API starts with method.request.");
    }

    @Test
    void usagePlansOnAWebSocketApiAreRefused(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        JsonNode plans = Json.parse(Files.readString(dir.resolve("topology.json"))).at("/apis/0/usagePlans");
        editApi(dir, "sluice-ws", api -> ((ObjectNode) api).set("usagePlans", plans));
        assertThatThrownBy(() -> Definitions.load(dir)).hasMessageContaining(
                "API Gateway has no usage plans and no gateway responses for WebSocket APIs");
    }

    @Test
    void usagePlansWithoutAnAuthorizerAreRefused(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        editApi(dir, "sluice-api", api -> ((ObjectNode) api).remove("authorizer"));
        assertThatThrownBy(() -> Definitions.load(dir)).hasMessageContaining("usage plans need an authorizer");
    }

    private static void editApi(Path dir, String name, Consumer<JsonNode> change) throws IOException {
        Path file = dir.resolve("topology.json");
        JsonNode topology = Json.parse(Files.readString(file));
        JsonNode api = null;
        for (JsonNode a : topology.get("apis")) {
            if (a.get("name").asText().equals(name)) {
                api = a;
            }
        }
        assertThat(api).as(name).isNotNull();
        change.accept(api);
        Files.writeString(file, Json.write(topology));
    }

    private static void edit(Path file, String from, String to) throws IOException {
        String text = Files.readString(file);
        assertThat(text).contains(from);
        Files.writeString(file, text.replaceFirst(java.util.regex.Pattern.quote(from),
                java.util.regex.Matcher.quoteReplacement(to)));
    }
}
