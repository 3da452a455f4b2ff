package dev.sluice.local.flow;

import static dev.sluice.local.flow.FlowFixture.aiRequest;
import static dev.sluice.local.flow.FlowFixture.analyticsEvent;
import static dev.sluice.local.flow.FlowFixture.awaitFinished;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.client.ApiResponse;
import dev.sluice.core.client.SluiceClient;
import dev.sluice.core.topology.UsagePlanSpec;
import dev.sluice.local.apigw.UsageMeter;
import dev.sluice.local.support.Await;
import dev.sluice.local.support.Clients;
import dev.sluice.local.support.Invocations;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.s3.S3Client;

/** The HTTP API through real HTTP, on the real topology: submission, reads, keys, usage plans and validation. */
class JobApiTest {

    @TempDir
    static Path state;
    static FlowFixture flow;
    static SluiceClient dev;

    static final Invocations invocations = new Invocations();

    @BeforeAll
    static void start() throws Exception {
        // The seeds' plans, and three that make the limits quick to reach.
        flow = FlowFixture.start(FlowFixture.withHttpApi(api -> FlowFixture.plusPlans(api,
                new UsagePlanSpec("bursty", null, new UsagePlanSpec.Throttle(0.01, 3), null),
                new UsagePlanSpec("crowd", null, new UsagePlanSpec.Throttle(0.01, 20),
                        new UsagePlanSpec.Quota(10_000, UsagePlanSpec.Period.MONTH)),
                new UsagePlanSpec("thrifty", null, new UsagePlanSpec.Throttle(100, 50),
                        new UsagePlanSpec.Quota(2, UsagePlanSpec.Period.MONTH)))), state);
        flow.runtime.lambda().addListener(invocations);
        dev = flow.devClient();
    }

    @AfterAll
    static void stop() {
        dev.close();
        flow.close();
    }

    @Test
    void aSubmittedJobIsQueuedThenSucceedsWithItsResultAndTimings() throws Exception {
        ApiResponse submitted = dev.submit(aiRequest("Name a cat. Then a dog."), null);

        assertThat(submitted.status()).isEqualTo(202);
        String jobId = submitted.body().get("jobId").asText();
        assertThat(submitted.body().get("status").asText()).isEqualTo("QUEUED");
        assertThat(submitted.body().at("/links/self").asText()).isEqualTo("/v1/jobs/" + jobId);

        JsonNode job = awaitFinished(dev, jobId);
        assertThat(job.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(job.get("type").asText()).isEqualTo("ai.request");
        assertThat(job.get("attempts").asInt()).isEqualTo(1);
        assertThat(job.has("submittedAt") && job.has("startedAt") && job.has("finishedAt")).isTrue();
        assertThat(job.at("/result/provider").asText()).isEqualTo("sluice-offline");
        assertThat(job.at("/result/generative").asBoolean()).isFalse();
        assertThat(job.at("/result/text").asText()).contains("Name a cat.");
    }

    @Test
    void theSameIdempotencyKeyReturnsTheSameJobAndCreatesNothingNew() throws Exception {
        try (SluiceClient client = flow.newTenant("idem")) {
            ApiResponse first = client.submit(aiRequest("once"), "order-42");
            ApiResponse again = client.submit(aiRequest("once"), "order-42");
            ApiResponse otherBody = client.submit(aiRequest("twice"), "order-42");

            assertThat(first.status()).isEqualTo(202);
            assertThat(again.status()).isEqualTo(202);
            assertThat(again.body().get("jobId")).isEqualTo(first.body().get("jobId"));
            assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
            assertThat(first.header("Idempotent-Replayed")).isNull();
            assertThat(otherBody.status()).isEqualTo(422);
            assertThat(otherBody.body().at("/error/field").asText()).isEqualTo("Idempotency-Key");
            assertThat(client.get("/v1/jobs").body().get("items")).hasSize(1);
        }
    }

    @Test
    void aMissingKeyIs401AndAnUnknownOneIs403WithTheApisErrorBodies() throws Exception {
        try (SluiceClient none = new SluiceClient(flow.runtime.endpoints().api(), null);
                SluiceClient wrong = new SluiceClient(flow.runtime.endpoints().api(), "sk_not-a-key")) {
            ApiResponse missing = none.get("/v1/jobs");
            assertThat(missing.status()).isEqualTo(401);
            assertThat(missing.body().at("/error/code").asText()).isEqualTo("missing_api_key");
            assertThat(missing.body().at("/error/field").asText()).isEqualTo("x-api-key");
            ApiResponse unknown = wrong.get("/v1/jobs");
            assertThat(unknown.status()).isEqualTo(403);
            assertThat(unknown.body().at("/error/code").asText()).isEqualTo("invalid_api_key");
            assertThat(unknown.body().at("/error/field").asText()).isEqualTo("x-api-key");
        }
    }

    @Test
    void theAuthorizersAnswerIsCachedPerKeySoTheApiReadsNoKeyPerRequest() throws Exception {
        var issued = flow.keys.create("cached", "u", "test", "default", System.currentTimeMillis());
        try (SluiceClient client = new SluiceClient(flow.runtime.endpoints().api(), issued.secret())) {
            for (int i = 0; i < 10; i++) {
                assertThat(client.get("/v1/jobs").status()).isEqualTo(200);
            }
        }
        // One authorizer run (one GetItem) for ten requests: the bundled TTL is 300 s.
        assertThat(invocations.of("api-authorizer")).filteredOn(i -> issued.secret()
                .equals(i.payload().at("/headers/x-api-key").asText())).hasSize(1);
        // The API function got the caller from the authorizer, as API Gateway hands it over.
        JsonNode context = invocations.of("api").stream().map(i -> i.payload().get("requestContext"))
                .filter(c -> "cached".equals(c.at("/authorizer/tenantId").asText())).findFirst().orElseThrow();
        assertThat(context.at("/authorizer/userId").asText()).isEqualTo("u");
        assertThat(context.at("/authorizer/keyId").asText()).isEqualTo(issued.key().keyId());
        assertThat(context.at("/identity/apiKey").asText()).isEqualTo(issued.key().keyHash());
    }

    @Test
    void overTheBurstIs429WithTheDeclaredRetryAfter() throws Exception {
        // One request per 100 s after a burst of 3: no slow machine refills a token mid-test.
        try (SluiceClient client = flow.newTenant("bursty", "bursty")) {
            for (int i = 0; i < 3; i++) {
                assertThat(client.get("/v1/jobs").status()).as("request %d of the burst", i + 1).isEqualTo(200);
            }
            ApiResponse limited = client.get("/v1/jobs");

            assertThat(limited.status()).isEqualTo(429);
            assertThat(limited.body().at("/error/code").asText()).isEqualTo("rate_limited");
            // Static, as a gateway response's headers are: the seeds' plans refill a token within a second.
            assertThat(limited.header("Retry-After")).isEqualTo("1");
        }
    }

    @Test
    void concurrentRequestsOnOneKeyAreCountedExactly() throws Exception {
        // A bucket of 20 that hardly refills: of 30 requests at once exactly 20 pass, none lost or double-counted.
        var issued = flow.keys.create("crowd", "crowd-user", "test", "crowd", System.currentTimeMillis());
        try (SluiceClient client = new SluiceClient(flow.runtime.endpoints().api(), issued.secret());
                var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<Integer>> statuses = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                statuses.add(pool.submit(() -> client.get("/v1/jobs").status()));
            }
            List<Integer> seen = new ArrayList<>();
            for (var status : statuses) {
                seen.add(status.get());
            }

            assertThat(seen).filteredOn(s -> s == 200).hasSize(20);
            assertThat(seen).filteredOn(s -> s == 429).hasSize(10);
            // The gateway counted the 20 it let through, not the 10 it throttled.
            Await.until("the gateway to save its counts", () -> used(issued.key().keyHash()) == 20);
        }
    }

    @Test
    void overTheQuotaIs429QuotaExceeded() throws Exception {
        try (SluiceClient client = flow.newTenant("thrifty", "thrifty")) {
            assertThat(client.get("/v1/jobs").status()).isEqualTo(200);
            assertThat(client.get("/v1/jobs").status()).isEqualTo(200);
            ApiResponse over = client.get("/v1/jobs");

            assertThat(over.status()).isEqualTo(429);
            assertThat(over.body().at("/error/code").asText()).isEqualTo("quota_exceeded");
            assertThat(over.body().at("/error/field").isNull()).isTrue();
            assertThat(over.header("Retry-After")).isNull();
        }
    }

    private static long used(String usageKey) {
        try {
            return UsageMeter.read(UsageMeter.dir(state, "sluice-api")).stream()
                    .filter(u -> u.usageKey().equals(usageKey)).mapToLong(UsageMeter.Usage::used).sum();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            {"type":"ai.request"}                                                      | payload
            {"type":"bogus","payload":{}}                                              | type
            {"type":"ai.request","payload":{},"extra":1}                               | extra
            {"type":"ai.request","payload":{"sessionId":"s","userId":"u","process":"nope","input":"x","priority":"high","timestamp":1}} | payload.process
            {"type":"ai.request","payload":{"sessionId":"s","userId":"u","process":"magicSpark","priority":"high","timestamp":1}}     | payload.input
            {"type":"analytics.event","payload":{"toolId":"t","interactionType":"i","data":{},"timestamp":1,"foo":2}}             | payload.foo
            {"type":"email.send","payload":{"userId":"u","to":"not-an-address","templateId":"welcome","data":{},"priority":"high","timestamp":1}} | payload.to
            {"type":"analytics.event","payload":{"toolId":"t","interactionType":"i","data":{},"timestamp":-5}}                    | payload.timestamp
            {"type":                                                                   | body
            [1, 2]                                                                     | body
            {"type":"analytics.event","payload":{"toolId":"x\\ud800y","interactionType":"i","data":{},"timestamp":1}} | payload.toolId
            {"type":"analytics.event","payload":{"toolId":"t","interactionType":"i","data":{"a":["\\udfff"]},"timestamp":1}} | payload.data.a[0]
            """)
    void everyInvalidBodyIsA400NamingItsField(String body, String field) throws Exception {
        ApiResponse response = dev.submit(body, null);

        assertThat(response.status()).as(String.valueOf(response.body())).isEqualTo(400);
        assertThat(response.body().at("/error/field").asText()).isEqualTo(field);
        assertThat(response.body().at("/error/message").asText()).isNotBlank();
    }

    @Test
    void aBodyNestedTooDeeplyIsA400NamingWhereAndAJobWithinTheLimitRuns() throws Exception {
        String tooDeep = "{\"a\":".repeat(900) + "1" + "}".repeat(900);
        ApiResponse response = dev.submit(analyticsEvent("deep", "click").replace("\"data\":{}",
                "\"data\":" + tooDeep), null);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body().at("/error/code").asText()).isEqualTo("too_deep");
        assertThat(response.body().at("/error/field").asText()).startsWith("payload.data.a.a.a");

        // The deepest body the API takes (32 levels) is routed and runs: nothing accepted is stuck QUEUED.
        String deepest = "{\"a\":".repeat(29) + "1" + "}".repeat(29);
        ApiResponse accepted = dev.submit(analyticsEvent("deep", "click").replace("\"data\":{}",
                "\"data\":" + deepest), null);
        assertThat(accepted.status()).as(String.valueOf(accepted.body())).isEqualTo(202);
        assertThat(awaitFinished(dev, accepted.body().get("jobId").asText()).get("status").asText())
                .isEqualTo("SUCCEEDED");
    }

    @Test
    void theSameBodyWithItsKeysInAnotherOrderIsTheSameRequest() throws Exception {
        try (SluiceClient client = flow.newTenant("reordered")) {
            ApiResponse first = client.submit("""
                    {"type":"analytics.event","payload":{"toolId":"t","interactionType":"i","data":{"x":1,"y":2},"timestamp":1}}
                    """, "order-7");
            ApiResponse again = client.submit("""
                    {"payload":{"timestamp":1,"data":{"y":2,"x":1},"interactionType":"i","toolId":"t"},"type":"analytics.event"}
                    """, "order-7");

            assertThat(again.status()).isEqualTo(202);
            assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
            assertThat(again.body().get("jobId")).isEqualTo(first.body().get("jobId"));
        }
    }

    @Test
    void concurrentRequestsWithOneIdempotencyKeyNeverAnswer5xx() throws Exception {
        try (SluiceClient client = flow.newTenant("racers");
                var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<ApiResponse>> responses = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                responses.add(pool.submit(() -> client.submit(aiRequest("raced"), "one-key")));
            }
            Set<String> jobIds = new HashSet<>();
            for (var r : responses) {
                ApiResponse response = r.get();
                assertThat(response.status()).as(String.valueOf(response.body())).isIn(202, 409);
                if (response.status() == 202) {
                    jobIds.add(response.body().get("jobId").asText());
                } else {
                    assertThat(response.body().at("/error/field").asText()).isEqualTo("Idempotency-Key");
                    assertThat(response.header("Retry-After")).isNotNull();
                }
            }
            assertThat(jobIds).hasSize(1);
        }
    }

    @Test
    void idsAndCursorsThatCannotBeOursAre4xxNever5xx() throws Exception {
        String tooLong = "j".repeat(2000);
        assertThat(dev.get("/v1/jobs/" + tooLong).status()).isEqualTo(404);
        assertThat(dev.get("/v1/analytics/tools/" + "t".repeat(2000)).body().at("/error/field").asText())
                .isEqualTo("toolId");
        String pkOnly = java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"pk\":\"T#dev\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        for (String cursor : List.of(pkOnly, "", "e30")) {
            ApiResponse response = dev.get("/v1/jobs?cursor=" + cursor);
            assertThat(response.status()).as(cursor).isEqualTo(400);
            assertThat(response.body().at("/error/field").asText()).isEqualTo("cursor");
        }
    }

    @Test
    void aBadIdempotencyKeyIsA400NamingTheHeader() throws Exception {
        ApiResponse response = dev.submit(aiRequest("x"), "k".repeat(256));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body().at("/error/field").asText()).isEqualTo("Idempotency-Key");
    }

    @Test
    void aBodyOverTenMebibytesIs413() throws Exception {
        // With Expect: 100-continue the early 413 cannot be lost to the reset of a body still being written.
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create(flow.runtime.endpoints().api() + "/v1/jobs")).header("x-api-key",
                        flow.runtime.endpoints().devApiKey()).expectContinue(true)
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[10 * 1024 * 1024 + 1])).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(413);
    }

    @Test
    void aLargePayloadTravelsByReferenceThroughS3() throws Exception {
        String input = "word ".repeat(60_000); // 300 kB: over EventBridge's 256 KiB
        ApiResponse submitted = dev.submit(aiRequest(input), null);
        assertThat(submitted.status()).isEqualTo(202);
        String jobId = submitted.body().get("jobId").asText();

        JsonNode job = awaitFinished(dev, jobId);

        assertThat(job.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(job.at("/result/text").asText()).contains("received 60000 words");
        try (S3Client s3 = Clients.s3(flow.runtime.endpoints())) {
            assertThat(s3.headObject(b -> b.bucket("sluice-payloads").key("payloads/dev/" + jobId + ".json"))
                    .contentLength()).isGreaterThan(256 * 1024);
        }
    }

    @Test
    void anotherTenantsJobIsNotFoundAndNotListed() throws Exception {
        String jobId = dev.submit(aiRequest("mine"), null).body().get("jobId").asText();
        try (SluiceClient stranger = flow.newTenant("stranger")) {
            ApiResponse response = stranger.get("/v1/jobs/" + jobId);

            assertThat(response.status()).isEqualTo(404);
            assertThat(response.body().at("/error/code").asText()).isEqualTo("not_found");
            assertThat(stranger.get("/v1/jobs").body().get("items")).isEmpty();
        }
        assertThat(dev.get("/v1/jobs/" + jobId).status()).isEqualTo(200);
    }

    @Test
    void theListPagesThroughTheCallersJobsNewestFirstAndFiltersByStatus() throws Exception {
        try (SluiceClient client = flow.newTenant("pager")) {
            Set<String> submitted = new HashSet<>();
            for (int i = 0; i < 3; i++) {
                String jobId = client.submit(aiRequest("job " + i), null).body().get("jobId").asText();
                submitted.add(jobId);
                awaitFinished(client, jobId);
            }
            JsonNode first = client.get("/v1/jobs?limit=2").body();
            JsonNode second = client.get("/v1/jobs?limit=2&cursor=" + first.get("nextCursor").asText()).body();
            Set<String> seen = new HashSet<>();
            first.get("items").forEach(j -> seen.add(j.get("jobId").asText()));
            second.get("items").forEach(j -> seen.add(j.get("jobId").asText()));

            assertThat(first.get("items")).hasSize(2);
            assertThat(first.at("/items/0/jobId").asText()).isGreaterThan(first.at("/items/1/jobId").asText());
            assertThat(second.get("items")).hasSize(1);
            assertThat(second.get("nextCursor").isNull()).isTrue();
            assertThat(seen).isEqualTo(submitted);
            assertThat(client.get("/v1/jobs?status=SUCCEEDED").body().get("items")).hasSize(3);
            assertThat(client.get("/v1/jobs?status=QUEUED").body().get("items")).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            /v1/jobs?status=DONE                          | status
            /v1/jobs?limit=0                              | limit
            /v1/jobs?limit=many                           | limit
            /v1/jobs?cursor=bm90LWEtY3Vyc29y              | cursor
            /v1/analytics/tools/t?from=yesterday          | from
            /v1/analytics/tools/t?from=2026-11-02&to=2026-11-01 | from
            /v1/analytics/tools/t?to=11/02/2026           | to
            """)
    void everyInvalidQueryParameterIsA400NamingIt(String path, String field) throws Exception {
        ApiResponse response = dev.get(path);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body().at("/error/field").asText()).isEqualTo(field);
    }

    @Test
    void analyticsEventsAreCountedPerToolTypeAndDay() throws Exception {
        try (SluiceClient client = flow.newTenant("counting")) {
            for (String type : new String[] {"click", "click", "view"}) {
                assertThat(client.submit(analyticsEvent("search", type), null).status()).isEqualTo(202);
            }
            assertThat(client.submit(analyticsEvent("other-tool", "click"), null).status()).isEqualTo(202);
            String today = LocalDate.now(ZoneOffset.UTC).toString();

            JsonNode summary = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                ApiResponse response = client.get("/v1/analytics/tools/search?from=" + today + "&to=" + today);
                assertThat(response.status()).as(String.valueOf(response.body())).isEqualTo(200);
                summary = response.body();
                if (summary.get("total").asLong() >= 3) {
                    break;
                }
                Thread.sleep(100);
            }

            assertThat(summary.get("total").asLong()).isEqualTo(3);
            assertThat(summary.at("/byInteractionType/click").asLong()).isEqualTo(2);
            assertThat(summary.at("/byInteractionType/view").asLong()).isEqualTo(1);
            assertThat(summary.at("/days/0/day").asText()).isEqualTo(today);
            try (SluiceClient stranger = flow.newTenant("counting-stranger")) {
                assertThat(stranger.get("/v1/analytics/tools/search").body().get("total").asLong()).isZero();
            }
        }
    }

    @Test
    void anUnknownRouteIs404() throws Exception {
        ApiResponse response = dev.get("/v1/nothing-here");

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.body().get("message").asText()).isEqualTo("Not Found");
    }
}
