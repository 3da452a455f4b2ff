package dev.sluice.workers.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.ai.TokenUsage;
import dev.sluice.core.jobs.JobStore;
import dev.sluice.core.json.Json;
import dev.sluice.core.topology.Definitions;
import dev.sluice.workers.ai.budget.BudgetLedger;
import dev.sluice.workers.ai.budget.BudgetLimits;
import dev.sluice.workers.ai.cost.AiUsageTotals;
import dev.sluice.workers.jobevents.ClaimChecks;
import dev.sluice.workers.jobevents.JobEvents;
import dev.sluice.workers.support.KeptMetrics;
import dev.sluice.workers.support.LambdaJson;
import dev.sluice.workers.support.TestContext;
import dev.sluice.workers.support.TopologyTables;
import dev.sluice.workers.tenants.TenantSettings;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/**
 * The AI budget at the API, on API Gateway's own events and DynamoDB Local's engine: an ai.request is
 * refused with 429 once the tenant's day is spent, and the tenant's usage is served per day and model.
 */
class AiBudgetApiTest {

    /** An hour before midnight UTC: a spent day comes back in 3600 s. */
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-02T23:00:00Z"), ZoneOffset.UTC);
    /** The fixture's caller. */
    static final String TENANT = "ops";
    static final String AI_REQUEST = """
            {"type": "ai.request", "payload": {"sessionId": "s-1", "userId": "u-1", "process": "magicSpark",
             "input": "Three names for a tea shop.", "priority": "normal", "timestamp": 1795342532990}}""";

    static AmazonDynamoDBLocal local;
    static DynamoDbClient dynamoDb;
    static TenantSettings tenants;
    static BudgetLedger budgets;
    static AiUsageTotals usage;
    static JobStore jobs;
    static ApiHandler handler;

    @BeforeAll
    static void start() {
        local = DynamoDBEmbedded.create(true);
        dynamoDb = local.dynamoDbClient();
        for (String table : new String[] {"sluice-jobs", "sluice-ai-budgets", "sluice-tenant-settings",
                "sluice-analytics"}) {
            TopologyTables.create(dynamoDb, table);
        }
        tenants = new TenantSettings(dynamoDb, "sluice-tenant-settings");
        budgets = new BudgetLedger(dynamoDb, "sluice-ai-budgets", tenants,
                new BudgetLimits(new BigDecimal("5"), 100_000), CLOCK);
        usage = new AiUsageTotals(dynamoDb, "sluice-analytics");
        jobs = new JobStore(dynamoDb, "sluice-jobs");
        // Nothing listens there: "Job Submitted" is not put, which the API records for the sweeper.
        EventBridgeClient nowhere = EventBridgeClient.builder().endpointOverride(URI.create("http://127.0.0.1:9"))
                .region(Region.US_EAST_1).credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("AKID", "secret")))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
        handler = new ApiHandler(new JobsApi(jobs, new JobEvents(nowhere, "sluice-jobs"),
                new ClaimChecks(null, "unused"), Definitions.bundledSchemas(), 3_600_000, CLOCK,
                new KeptMetrics().metrics(), budgets), null, usage, null, null, null, CLOCK);
    }

    @AfterAll
    static void stop() {
        local.shutdown();
    }

    static APIGatewayProxyResponseEvent call(String route, Map<String, String> query, String body) {
        String[] methodAndResource = route.split(" ", 2);
        APIGatewayProxyRequestEvent request = LambdaJson.fixture("admin-request.json", APIGatewayProxyRequestEvent.class,
                "HTTP_METHOD", methodAndResource[0], "RESOURCE", methodAndResource[1], "DLQ_NAME", "",
                "\"role\": \"ROLE\"", "\"role\": \"tenant\"");
        request.setQueryStringParameters(query);
        request.setBody(body);
        return handler.handleRequest(request, new TestContext());
    }

    static void spendTheDay() {
        tenants.setAiBudget(TENANT, new TenantSettings.AiBudget(new BigDecimal("0.50"), null));
        budgets.settle(budgets.reserve(TENANT, "spent-it", new BigDecimal("0.50"), 100), new BigDecimal("0.50"), 100);
    }

    @Test
    void anAiRequestIsRefusedWith429UntilTomorrowOnceTheDayIsSpentAndOtherJobsAreNot() {
        spendTheDay();

        APIGatewayProxyResponseEvent refused = call("POST /v1/jobs", null, AI_REQUEST);

        assertThat(refused.getStatusCode()).as(refused.getBody()).isEqualTo(429);
        assertThat(refused.getHeaders()).containsEntry("Retry-After", "3600");
        JsonNode error = Json.parse(refused.getBody()).get("error");
        assertThat(error.get("code").asText()).isEqualTo("budget_exceeded");
        assertThat(error.get("message").asText()).contains("daily_usd", "2026-12-03T00:00:00Z");
        assertThat(error.get("field").isNull()).isTrue();
        assertThat(jobs.list(TENANT, null, 10, null).jobs()).as("nothing accepted").isEmpty();

        APIGatewayProxyResponseEvent analytics = call("POST /v1/jobs", null, """
                {"type": "analytics.event", "payload": {"toolId": "t", "interactionType": "i", "data": {},
                 "timestamp": 1}}""");
        assertThat(analytics.getStatusCode()).as(analytics.getBody()).isEqualTo(202);

        tenants.setAiBudget(TENANT, new TenantSettings.AiBudget(new BigDecimal("0.75"), null));
        assertThat(call("POST /v1/jobs", null, AI_REQUEST).getStatusCode()).as("a larger budget: room again")
                .isEqualTo(202);
    }

    @Test
    void theTenantsAiUsageIsServedPerDayAndModel() {
        usage.add(TENANT, "anthropic.claude-3-5-haiku-20241022-v1:0", LocalDate.parse("2026-11-30"),
                new TokenUsage(1200, 350, 2000, 500), new BigDecimal("0.003"), "miss");
        usage.add(TENANT, "anthropic.claude-3-5-haiku-20241022-v1:0", LocalDate.parse("2026-11-30"),
                TokenUsage.NONE, BigDecimal.ZERO, "hit");
        usage.add("someone-else", "anthropic.claude-3-5-haiku-20241022-v1:0", LocalDate.parse("2026-11-30"),
                new TokenUsage(1, 1, 1, 1), BigDecimal.ONE, "miss");

        APIGatewayProxyResponseEvent response = call("GET /v1/analytics/ai",
                Map.of("from", "2026-11-01", "to", "2026-12-02"), null);

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        JsonNode body = Json.parse(response.getBody());
        assertThat(body.at("/days/0/day").asText()).isEqualTo("2026-11-30");
        JsonNode model = body.at("/days/0/models/0");
        assertThat(model.get("model").asText()).isEqualTo("anthropic.claude-3-5-haiku-20241022-v1:0");
        assertThat(model.get("requests").asLong()).isEqualTo(2);
        assertThat(model.get("inputTokens").asLong()).isEqualTo(1200);
        assertThat(model.get("outputTokens").asLong()).isEqualTo(350);
        assertThat(model.get("cacheReadTokens").asLong()).isEqualTo(2000);
        assertThat(model.get("cacheWriteTokens").asLong()).isEqualTo(500);
        assertThat(model.get("costUsd").decimalValue()).isEqualByComparingTo("0.003");
        assertThat(model.get("cacheHits").asLong()).isEqualTo(1);
        assertThat(body.get("days")).hasSize(1);
    }

    @ParameterizedTest(name = "from={0} to={1} -> 400 naming {2}")
    @CsvSource({
            "2026-13-01, 2026-12-02, from",
            "2026-12-01, yesterday, to",
            "2026-12-03, 2026-12-02, from",
            "2026-09-01, 2026-12-02, from"})
    void aMalformedOrTooLongRangeIs400NamingTheParameter(String from, String to, String field) {
        APIGatewayProxyResponseEvent response = call("GET /v1/analytics/ai", Map.of("from", from, "to", to), null);

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(400);
        assertThat(Json.parse(response.getBody()).at("/error/field").asText()).isEqualTo(field);
    }

    @Test
    void ninetyTwoDaysAreAllowed() {
        assertThat(call("GET /v1/analytics/ai", Map.of("from", "2026-09-02", "to", "2026-12-02"), null)
                .getStatusCode()).isEqualTo(200);
    }
}
