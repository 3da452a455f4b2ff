package dev.sluice.workers.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.json.Json;
import dev.sluice.core.topology.Definitions;
import dev.sluice.operations.dlq.DeadLetterQueues;
import dev.sluice.workers.support.LambdaJson;
import dev.sluice.workers.support.TestContext;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The admin API's authorization and validation on API Gateway's own events (fixture
 * {@code events/admin-request.json}): nothing reaches the DLQs unless the key is an admin's and the
 * request is sound. The DLQs themselves are the flow test's (local, AdminApiFlowTest).
 */
class AdminApiTest {

    private final Recorded recorded = new Recorded();
    private final ApiHandler handler = new ApiHandler(null, null, null,
            new AdminApi(() -> DeadLetterQueues.of(Definitions.bundled().topology()), recorded,
                    Definitions.bundledSchemas()),
            null, Clock.systemUTC());

    @Test
    void aTenantKeyGets403OnEveryAdminRouteAndNothingIsRead() {
        List<ApiHandler.Route> admin = Arrays.stream(ApiHandler.Route.values())
                .filter(r -> AdminApi.isAdminRoute(r.key())).toList();
        assertThat(admin).hasSize(3);
        for (ApiHandler.Route route : admin) {
            for (String role : new String[] {"tenant", "", "superuser"}) {
                APIGatewayProxyResponseEvent response = call(route.key(), role, "email-dlq", "{\"dryRun\": false}");

                assertThat(response.getStatusCode()).as(route + " " + role).isEqualTo(403);
                assertThat(Json.parse(response.getBody())).as(route.key()).isEqualTo(Json.parse("""
                        {"error": {"code": "forbidden", "message": "an admin key is required", "field": "x-api-key"}}
                        """));
            }
        }
        assertThat(recorded.calls).isEmpty();
    }

    @Test
    void anAdminKeyListsTheDlqs() {
        APIGatewayProxyResponseEvent response = call("GET /v1/admin/dlqs", "admin", "", null);

        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(Json.parse(response.getBody()).get("dlqs")).isEqualTo(Json.parse("[{\"name\": \"email-dlq\"}]"));
        assertThat(recorded.calls).containsExactly("list");
    }

    @Test
    void peekingReadsUpToTheLimitAskedFor() {
        APIGatewayProxyRequestEvent request = request("GET /v1/admin/dlqs/{name}/messages", "admin", "email-dlq", null);
        request.setQueryStringParameters(Map.of("limit", "7"));

        APIGatewayProxyResponseEvent response = handler.handleRequest(request, new TestContext());

        assertThat(response.getStatusCode()).isEqualTo(200);
        JsonNode body = Json.parse(response.getBody());
        assertThat(body.get("dlq").asText()).isEqualTo("email-dlq");
        assertThat(body.get("kind").asText()).isEqualTo("queue");
        assertThat(recorded.calls).containsExactly("peek email-dlq 7");
    }

    @ParameterizedTest
    @CsvSource({"0", "101", "ten"})
    void aPeekLimitOutOfRangeIs400NamingLimit(String limit) {
        APIGatewayProxyRequestEvent request = request("GET /v1/admin/dlqs/{name}/messages", "admin", "email-dlq", null);
        request.setQueryStringParameters(Map.of("limit", limit));

        assertBadRequest(handler.handleRequest(request, new TestContext()), "limit");
    }

    @Test
    void anUnknownDlqIs404NamingItAndTheOnesThereAre() {
        for (String route : new String[] {"GET /v1/admin/dlqs/{name}/messages", "POST /v1/admin/dlqs/{name}/replay"}) {
            APIGatewayProxyResponseEvent response = call(route, "admin", "emial-dlq", "{}");

            assertThat(response.getStatusCode()).as(route).isEqualTo(404);
            JsonNode error = Json.parse(response.getBody()).get("error");
            assertThat(error.get("field").asText()).isEqualTo("name");
            assertThat(error.get("message").asText()).contains("\"emial-dlq\"", "email-dlq", "notifier-dlq");
        }
        assertThat(recorded.calls).isEmpty();
    }

    @Test
    void aReplayWithNoBodyIsADryRunOfAtMostOneHundredAsTheCallersKey() {
        APIGatewayProxyResponseEvent response = call("POST /v1/admin/dlqs/{name}/replay", "admin", "email-dlq", null);

        assertThat(response.getStatusCode()).isEqualTo(200);
        JsonNode body = Json.parse(response.getBody());
        assertThat(body.get("dryRun").asBoolean()).isTrue();
        assertThat(body.get("moved").asInt()).isEqualTo(1);
        assertThat(recorded.calls).containsExactly("replay email-dlq match=null rate=null limit=100 dryRun=true"
                + " force=false as apikey:key_0a1b2c3d4e5f (tenant ops, user oscar)");
    }

    @Test
    void aReplayTakesTheCommandsOptions() {
        APIGatewayProxyResponseEvent response = call("POST /v1/admin/dlqs/{name}/replay", "admin", "email-dlq", """
                {"match": {"detail": {"type": ["email.send"]}}, "rate": 50, "limit": 20, "dryRun": false,
                 "force": true}""");

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        assertThat(recorded.calls).containsExactly("replay email-dlq match={\"detail\":{\"type\":[\"email.send\"]}}"
                + " rate=50.0 limit=20 dryRun=false force=true as apikey:key_0a1b2c3d4e5f (tenant ops, user oscar)");
    }

    @Test
    void aPatternMayComeAsItsJsonText() {
        call("POST /v1/admin/dlqs/{name}/replay", "admin", "email-dlq",
                "{\"match\": \"{\\\"detail-type\\\": [\\\"Job Submitted\\\"]}\"}");

        assertThat(recorded.calls).singleElement().asString().contains("match={\"detail-type\": [\"Job Submitted\"]}");
    }

    @ParameterizedTest(name = "{0} -> 400 naming {1}")
    @CsvSource(delimiter = '|', value = {
            "{\"rate\": 0}|rate",
            "{\"rate\": -2.5}|rate",
            "{\"rate\": \"fast\"}|rate",
            "{\"limit\": 0}|limit",
            "{\"limit\": 1.5}|limit",
            "{\"limit\": 101}|limit",
            "{\"limit\": 101, \"dryRun\": false}|limit",
            "{\"dryRun\": false, \"rate\": 1, \"limit\": 100}|rate",
            "{\"match\": 5}|match",
            "{\"match\": {\"detail\": {\"type\": \"email.send\"}}}|match",
            "{\"match\": \"not a pattern\"}|match",
            "{\"dryRun\": \"no\"}|dryRun",
            "{\"force\": 1}|force",
            "{\"edit\": true}|edit",
            "[]|body",
            "{not json|body"})
    void aBadReplayBodyIs400NamingTheFieldAndNothingIsRead(String body, String field) {
        assertBadRequest(call("POST /v1/admin/dlqs/{name}/replay", "admin", "email-dlq", body), field);
    }

    private void assertBadRequest(APIGatewayProxyResponseEvent response, String field) {
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(400);
        JsonNode error = Json.parse(response.getBody()).get("error");
        assertThat(error.get("field").asText()).as(error.toString()).isEqualTo(field);
        assertThat(error.get("message").asText()).isNotBlank();
        assertThat(recorded.calls).isEmpty();
    }

    private APIGatewayProxyResponseEvent call(String route, String role, String name, String body) {
        return handler.handleRequest(request(route, role, name, body), new TestContext());
    }

    private static APIGatewayProxyRequestEvent request(String route, String role, String name, String body) {
        String[] methodAndResource = route.split(" ", 2);
        APIGatewayProxyRequestEvent request = LambdaJson.fixture("admin-request.json", APIGatewayProxyRequestEvent.class,
                "HTTP_METHOD", methodAndResource[0], "RESOURCE", methodAndResource[1], "DLQ_NAME", name,
                "\"role\": \"ROLE\"", role.isEmpty() ? "\"role\": null" : "\"role\": \"" + role + "\"");
        request.setBody(body);
        return request;
    }

    /** The DLQs as the library would answer, and every call that reached them. */
    private static final class Recorded implements DeadLetters {

        final List<String> calls = new ArrayList<>();

        @Override
        public JsonNode list() {
            calls.add("list");
            return Json.parse("[{\"name\": \"email-dlq\"}]");
        }

        @Override
        public JsonNode peek(String dlq, int limit) {
            calls.add("peek " + dlq + " " + limit);
            return Json.parse("[]");
        }

        @Override
        public JsonNode replay(String dlq, Replay replay, String principal) {
            calls.add("replay " + dlq + " match=" + replay.match().text().orElse(null) + " rate="
                    + replay.ratePerSecond() + " limit=" + replay.limit() + " dryRun=" + replay.dryRun() + " force="
                    + replay.force() + " as " + principal);
            return Json.parse("{\"auditId\": null, \"moved\": 1, \"skipped\": 0, \"refused\": 0, \"failed\": 0,"
                    + " \"items\": []}");
        }
    }
}
