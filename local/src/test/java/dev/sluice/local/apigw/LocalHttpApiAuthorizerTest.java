package dev.sluice.local.apigw;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.json.Json;
import dev.sluice.core.topology.ApiSpec;
import dev.sluice.core.topology.AuthorizerSpec;
import dev.sluice.core.topology.Definitions;
import dev.sluice.core.topology.UsagePlanSpec;
import dev.sluice.core.topology.UsagePlanSpec.Period;
import dev.sluice.core.topology.UsagePlanSpec.Quota;
import dev.sluice.core.topology.UsagePlanSpec.Throttle;
import dev.sluice.local.AwsIdentity;
import dev.sluice.local.support.TestClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP API's authorizer and usage plans over real HTTP, on a clock that stands still unless moved:
 * API Gateway's order (identity source, authorizer, plan), its cache, its token bucket and quota, the
 * declared gateway responses, and the counts kept across a restart.
 */
class LocalHttpApiAuthorizerTest {

    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final int TTL = 300;
    static final ApiSpec SEEDS = Definitions.bundled().topology().api("sluice-api").orElseThrow();
    static final ApiSpec API = new ApiSpec("a1b2c3d4e5", ApiSpec.Protocol.HTTP, null, ScriptedHttpFunction.FUNCTION,
            List.of("GET /v1/jobs", "POST /v1/jobs", "GET /v1/jobs/{id}"),
            new AuthorizerSpec(ScriptedAuthorizer.FUNCTION, List.of("method.request.header.x-api-key"), TTL),
            List.of(new UsagePlanSpec("default", null, new Throttle(100, 50), new Quota(1000, Period.MONTH)),
                    new UsagePlanSpec("tight", null, new Throttle(1, 3), null),
                    new UsagePlanSpec("crowd", null, new Throttle(0.01, 20), new Quota(1000, Period.MONTH)),
                    new UsagePlanSpec("thrifty", null, new Throttle(100, 50), new Quota(2, Period.DAY))),
            SEEDS.gatewayResponses());

    @TempDir
    Path state;
    final TestClock clock = new TestClock(Instant.parse("2026-12-02T23:59:00Z"));
    final ScriptedHttpFunction function = new ScriptedHttpFunction();
    final ScriptedAuthorizer authorizer = new ScriptedAuthorizer(function);
    UsageMeter meter;
    LocalHttpApi api;

    @BeforeEach
    void start() throws Exception {
        meter = UsageMeter.open(state, clock);
        api = LocalHttpApi.start(API, AwsIdentity.LOCAL, authorizer, meter, clock);
    }

    @AfterEach
    void stop() {
        api.close();
        meter.close();
    }

    HttpResponse<String> get(String path, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api.endpoint() + path))
                .timeout(Duration.ofSeconds(30));
        if (key != null) {
            request.header("x-api-key", key);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String code(HttpResponse<String> response) {
        return Json.parse(response.body()).at("/error/code").asText();
    }

    @Test
    void aMissingOrEmptyIdentitySourceIs401WithoutInvokingTheAuthorizer() throws Exception {
        HttpResponse<String> missing = get("/v1/jobs", null);
        HttpResponse<String> empty = get("/v1/jobs", "");

        for (HttpResponse<String> r : List.of(missing, empty)) {
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(Json.parse(r.body())).isEqualTo(Json.parse("""
                    {"error": {"code": "missing_api_key", "message": "an API key is required (header x-api-key)",
                     "field": "x-api-key"}}"""));
            assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        }
        assertThat(authorizer.invocations.all()).isEmpty();
        assertThat(function.events()).isEmpty();
    }

    @Test
    void anAllowedRequestReachesTheFunctionWithTheAuthorizersContextAndItsApiKey() throws Exception {
        assertThat(get("/v1/jobs/j-1", "allow-default-ada").statusCode()).isEqualTo(200);

        JsonNode event = authorizer.invocations.all().getFirst().payload();
        assertThat(event.get("type").asText()).isEqualTo("REQUEST");
        assertThat(event.get("methodArn").asText())
                .isEqualTo("arn:aws:execute-api:us-east-1:000000000000:a1b2c3d4e5/$default/GET/v1/jobs/j-1");
        assertThat(event.get("pathParameters").get("id").asText()).isEqualTo("j-1");
        assertThat(event.has("body")).isFalse();
        JsonNode context = function.events().getFirst().get("requestContext");
        assertThat(context.get("authorizer")).isEqualTo(Json.parse("""
                {"principalId": "user-ada", "tenantId": "t-ada", "usagePlan": "default", "active": true, "rank": 3,
                 "integrationLatency": 0}"""));
        assertThat(context.at("/identity/apiKey").asText()).isEqualTo("usage-ada");
    }

    @Test
    void theAnswerIsCachedPerKeyForTheTtlAndServesEveryRouteItsPolicyCovers() throws Exception {
        for (String path : List.of("/v1/jobs", "/v1/jobs/a", "/v1/jobs/b")) {
            assertThat(get(path, "allow-default-ada").statusCode()).isEqualTo(200);
        }
        assertThat(get("/v1/jobs", "allow-default-bob").statusCode()).isEqualTo(200);
        assertThat(authorizer.runsFor("allow-default-ada")).isEqualTo(1);
        assertThat(authorizer.runsFor("allow-default-bob")).isEqualTo(1);

        clock.advance(Duration.ofSeconds(TTL - 1));
        assertThat(get("/v1/jobs", "allow-default-ada").statusCode()).isEqualTo(200);
        assertThat(authorizer.runsFor("allow-default-ada")).isEqualTo(1);
        clock.advance(Duration.ofSeconds(1));
        assertThat(get("/v1/jobs", "allow-default-ada").statusCode()).isEqualTo(200);
        assertThat(authorizer.runsFor("allow-default-ada")).isEqualTo(2);
    }

    @Test
    void aCachedPolicyNamingOneMethodDeniesTheOthersAsApiGatewayDoes() throws Exception {
        assertThat(get("/v1/jobs/a", "narrow-default-cy").statusCode()).isEqualTo(200);
        HttpResponse<String> other = get("/v1/jobs/b", "narrow-default-cy");

        assertThat(other.statusCode()).isEqualTo(403);
        assertThat(code(other)).isEqualTo("invalid_api_key");
        assertThat(authorizer.runsFor("narrow-default-cy")).isEqualTo(1);
    }

    @Test
    void denyIs403UnauthorizedIs401AndAFailingOrBrokenAuthorizerIs500() throws Exception {
        HttpResponse<String> denied = get("/v1/jobs", "deny");
        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(code(denied)).isEqualTo("invalid_api_key");
        assertThat(get("/v1/jobs", "unauthorized").statusCode()).isEqualTo(401);
        for (String key : List.of("fail", "garbage")) {
            HttpResponse<String> failed = get("/v1/jobs", key);
            assertThat(failed.statusCode()).as(key).isEqualTo(500);
            // No declared response: API Gateway's own.
            assertThat(Json.parse(failed.body()).get("message").asText()).isEqualTo("Internal server error");
        }
        // A failure is not cached: the next request asks again.
        get("/v1/jobs", "fail");
        assertThat(authorizer.runsFor("fail")).isEqualTo(2);
        assertThat(function.events()).isEmpty();
    }

    @Test
    void aKeyInNoPlanOfTheApiIs403Forbidden() throws Exception {
        HttpResponse<String> response = get("/v1/jobs", "allow-platinum-dee");

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(Json.parse(response.body()).get("message").asText()).isEqualTo("Forbidden");
    }

    @Test
    void overTheBurstIsThrottledUntilATokenRefills() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(get("/v1/jobs", "allow-tight-eve").statusCode()).isEqualTo(200);
        }
        HttpResponse<String> throttled = get("/v1/jobs", "allow-tight-eve");
        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(code(throttled)).isEqualTo("rate_limited");
        assertThat(throttled.headers().firstValue("Retry-After")).hasValue("1");
        // Another key has a bucket of its own.
        assertThat(get("/v1/jobs", "allow-tight-fay").statusCode()).isEqualTo(200);

        clock.advance(Duration.ofMillis(999));
        assertThat(get("/v1/jobs", "allow-tight-eve").statusCode()).isEqualTo(429);
        clock.advance(Duration.ofMillis(1));
        assertThat(get("/v1/jobs", "allow-tight-eve").statusCode()).isEqualTo(200);
        assertThat(get("/v1/jobs", "allow-tight-eve").statusCode()).isEqualTo(429);
    }

    @Test
    void ofThirtyConcurrentRequestsOnABurstOfTwentyExactlyTwentyPassAndAreCounted() throws Exception {
        List<Future<Integer>> statuses = new ArrayList<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 30; i++) {
                statuses.add(pool.submit(() -> get("/v1/jobs", "allow-crowd-gus").statusCode()));
            }
        }
        List<Integer> seen = new ArrayList<>();
        for (Future<Integer> s : statuses) {
            seen.add(s.get());
        }

        assertThat(seen).filteredOn(s -> s == 200).hasSize(20);
        assertThat(seen).filteredOn(s -> s == 429).hasSize(10);
        meter.flush();
        assertThat(UsageMeter.read(state)).containsExactly(new UsageMeter.Usage("crowd", "usage-gus", "2026-12", 20));
    }

    @Test
    void overTheQuotaIs429UntilTheNextPeriodAndRefusedRequestsAreNotCounted() throws Exception {
        assertThat(get("/v1/jobs", "allow-thrifty-hal").statusCode()).isEqualTo(200);
        assertThat(get("/v1/jobs", "allow-thrifty-hal").statusCode()).isEqualTo(200);
        HttpResponse<String> over = get("/v1/jobs", "allow-thrifty-hal");
        assertThat(over.statusCode()).isEqualTo(429);
        assertThat(code(over)).isEqualTo("quota_exceeded");
        assertThat(over.headers().firstValue("Retry-After")).isEmpty();
        meter.flush();
        assertThat(UsageMeter.read(state)).containsExactly(new UsageMeter.Usage("thrifty", "usage-hal", "2026-12-02", 2));

        clock.advance(Duration.ofSeconds(59));
        assertThat(get("/v1/jobs", "allow-thrifty-hal").statusCode()).isEqualTo(429);
        clock.advance(Duration.ofSeconds(1)); // midnight UTC: a new day, a new quota
        assertThat(get("/v1/jobs", "allow-thrifty-hal").statusCode()).isEqualTo(200);
    }

    @Test
    void theCountsSurviveARestartOfTheGateway() throws Exception {
        assertThat(get("/v1/jobs", "allow-thrifty-ida").statusCode()).isEqualTo(200);
        assertThat(get("/v1/jobs", "allow-thrifty-ida").statusCode()).isEqualTo(200);
        stop();

        start();

        assertThat(get("/v1/jobs", "allow-thrifty-ida").statusCode()).isEqualTo(429);
    }

    @Test
    void aCrashLosesAtMostTheCountsOfTheLastFlushInterval() throws Exception {
        assertThat(get("/v1/jobs", "allow-thrifty-jo").statusCode()).isEqualTo(200);
        // No close, as after a kill: the periodic flush alone has saved the count.
        long deadline = System.nanoTime() + UsageMeter.FLUSH_INTERVAL.multipliedBy(10).toNanos();
        while (UsageMeter.read(state).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(UsageMeter.read(state)).containsExactly(new UsageMeter.Usage("thrifty", "usage-jo", "2026-12-02", 1));
    }

    @Test
    void quotaPeriodsAreUtcDaysIsoWeeksAndCalendarMonths() {
        long sunday = Instant.parse("2027-01-03T23:59:59Z").toEpochMilli();
        assertThat(UsageMeter.period(Period.DAY, sunday)).isEqualTo("2027-01-03");
        assertThat(UsageMeter.period(Period.WEEK, sunday)).isEqualTo("2026-W53");
        assertThat(UsageMeter.period(Period.WEEK, sunday + 1000)).isEqualTo("2027-W01");
        assertThat(UsageMeter.period(Period.MONTH, sunday)).isEqualTo("2027-01");
    }
}
