package dev.sluice.local.flow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.client.ApiResponse;
import dev.sluice.core.client.SluiceClient;
import dev.sluice.core.json.Json;
import dev.sluice.core.keys.ApiKeys;
import dev.sluice.core.topology.ApiSpec;
import dev.sluice.core.topology.Definitions;
import dev.sluice.core.topology.Topology;
import dev.sluice.core.topology.UsagePlanSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import dev.sluice.local.LocalRuntime;
import dev.sluice.local.support.Clients;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The real topology running locally, with quick retries, and what the flow tests do with it. */
final class FlowFixture implements AutoCloseable {

    /** Values of the local profile the flow tests run with: job retries after 1 s, then 2 s. */
    static final Map<String, String> QUICK_RETRIES = Map.of("retryBaseSeconds", "1", "retryMaxSeconds", "2");

    final LocalRuntime runtime;
    final DynamoDbClient dynamoDb;
    final ApiKeys keys;

    private FlowFixture(LocalRuntime runtime) {
        this.runtime = runtime;
        this.dynamoDb = Clients.dynamodb(runtime.endpoints());
        this.keys = new ApiKeys(dynamoDb, "sluice-api-keys");
    }

    static FlowFixture start(Path state) throws Exception {
        return start(Definitions.bundled().topology(), state);
    }

    static FlowFixture start(Topology topology, Path state) throws Exception {
        return start(topology, state, Map.of());
    }

    /** With {@code profileValues} replacing values of the local profile (after the quick retries). */
    static FlowFixture start(Topology topology, Path state, Map<String, String> profileValues) throws Exception {
        return new FlowFixture(LocalRuntime.start(topology, state,
                LocalRuntime.Options.defaults().withProfileValues(QUICK_RETRIES).withProfileValues(profileValues)));
    }

    /** With {@code options} as they are (a batch model, say), the quick retries added. */
    static FlowFixture start(Topology topology, Path state, LocalRuntime.Options options) throws Exception {
        return new FlowFixture(LocalRuntime.start(topology, state, options.withProfileValues(QUICK_RETRIES)));
    }

    /** The bundled topology with the AI lanes served by {@code handler} (a test double of the model only). */
    static Topology withAiHandler(Class<?> handler) {
        Topology t = Definitions.bundled().topology();
        return t.withFunctions(t.functions().stream()
                .map(f -> f.name().startsWith("ai-worker") ? f.withHandler(handler.getName()) : f).toList());
    }

    /** The bundled topology with the HTTP API changed by {@code change} (its usage plans, its authorizer's TTL). */
    static Topology withHttpApi(UnaryOperator<ApiSpec> change) {
        Topology t = Definitions.bundled().topology();
        var apis = t.apis().stream().map(a -> a.protocol() == ApiSpec.Protocol.HTTP ? change.apply(a) : a).toList();
        return t.withApis(apis);
    }

    /** {@code api}'s plans and {@code more}. */
    static ApiSpec plusPlans(ApiSpec api, UsagePlanSpec... more) {
        List<UsagePlanSpec> plans = new ArrayList<>(api.usagePlans());
        plans.addAll(List.of(more));
        return api.withUsagePlans(plans);
    }

    SluiceClient devClient() {
        return new SluiceClient(runtime.endpoints().api(), runtime.endpoints().devApiKey());
    }

    /** A client with a fresh key of its own tenant, on the default usage plan. */
    SluiceClient newTenant(String tenant) {
        return newTenant(tenant, UsagePlanSpec.DEFAULT);
    }

    /** A client with a fresh key of its own tenant, on usage plan {@code plan}. */
    SluiceClient newTenant(String tenant, String plan) {
        return new SluiceClient(runtime.endpoints().api(),
                keys.create(tenant, tenant + "-user", "test", plan, System.currentTimeMillis()).secret());
    }

    /** Polls {@code GET /v1/jobs/{id}} until the job satisfies {@code done}; fails after {@code patience}. */
    static JsonNode awaitJob(SluiceClient client, String jobId, Predicate<JsonNode> done, Duration patience)
            throws Exception {
        long deadline = System.nanoTime() + patience.toNanos();
        JsonNode job = null;
        while (System.nanoTime() < deadline) {
            ApiResponse response = client.get("/v1/jobs/" + jobId);
            job = response.body();
            if (response.status() == 200 && done.test(job)) {
                return job;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("job " + jobId + " did not get there in " + patience + "; last seen: " + job);
    }

    static JsonNode awaitFinished(SluiceClient client, String jobId) throws Exception {
        return awaitJob(client, jobId, j -> j.get("status").asText().matches("SUCCEEDED|FAILED"),
                Duration.ofSeconds(30));
    }

    static String aiRequest(String input) {
        return "{\"type\":\"ai.request\",\"payload\":{\"sessionId\":\"s-1\",\"userId\":\"u-1\","
                + "\"process\":\"magicSpark\",\"input\":" + Json.write(input) + ",\"priority\":\"normal\","
                + "\"timestamp\":1795342532990}}";
    }

    /** An ai.request whose answer is streamed as job.delta messages. */
    static String streamingAiRequest(String input) {
        return aiRequest(input).replace("\"priority\":\"normal\",", "\"priority\":\"normal\",\"stream\":true,");
    }

    static String analyticsEvent(String toolId, String interactionType) {
        return "{\"type\":\"analytics.event\",\"payload\":{\"toolId\":\"" + toolId + "\",\"interactionType\":\""
                + interactionType + "\",\"data\":{},\"timestamp\":" + System.currentTimeMillis() + "}}";
    }

    static String email(String templateId) {
        return "{\"type\":\"email.send\",\"payload\":{\"userId\":\"u-1\",\"to\":\"ada@example.com\","
                + "\"templateId\":\"" + templateId + "\",\"data\":{\"name\":\"Ada\"},\"priority\":\"normal\","
                + "\"timestamp\":1795342532990}}";
    }

    static byte[] scheduledEvent() {
        return ("{\"version\":\"0\",\"id\":\"0\",\"detail-type\":\"Scheduled Event\",\"source\":\"aws.events\","
                + "\"account\":\"000000000000\",\"time\":\"2026-11-22T00:00:00Z\",\"region\":\"us-east-1\","
                + "\"resources\":[],\"detail\":{}}").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        dynamoDb.close();
        runtime.close();
    }
}
