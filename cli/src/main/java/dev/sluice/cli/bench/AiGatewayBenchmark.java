package dev.sluice.cli.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.ai.ChatModel;
import dev.sluice.core.ai.ChatReply;
import dev.sluice.core.ai.ChatRequest;
import dev.sluice.core.ai.DeltaSink;
import dev.sluice.core.ai.TokenUsage;
import dev.sluice.core.jobs.Job;
import dev.sluice.core.jobs.JobType;
import dev.sluice.core.json.Json;
import dev.sluice.core.topology.Definitions;
import dev.sluice.core.topology.TableSpec;
import dev.sluice.local.dynamodb.LocalDynamoDb;
import dev.sluice.local.dynamodb.LocalTables;
import dev.sluice.workers.ai.budget.BudgetLedger;
import dev.sluice.workers.ai.cache.DynamoDbResponseCache;
import dev.sluice.workers.ai.config.GatewayConfig;
import dev.sluice.workers.ai.cost.AiUsageTotals;
import dev.sluice.workers.ai.cost.PriceTable;
import dev.sluice.workers.ai.gateway.AiGateway;
import dev.sluice.workers.ai.gateway.Retrieval;
import dev.sluice.workers.ai.history.DynamoDbConversationHistory;
import dev.sluice.workers.ai.resilience.DynamoDbCanaryStore;
import dev.sluice.workers.ai.resilience.ResilientModelRouter;
import dev.sluice.workers.ai.templates.PromptTemplates;
import dev.sluice.workers.metrics.Metrics;
import dev.sluice.workers.tenants.TenantSettings;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * What the AI gateway adds around a model call (routing, template, history, cache lookup, budget
 * reservation and settlement, usage totals, metrics), per job, against a model that answers at once:
 * the same jobs through the raw model and through the gateway on DynamoDB Local, side by side, and a
 * cache hit's latency. Its stores are the real ones (DynamoDB Local in-process over HTTP, as the local
 * runtime runs them), so the figures include their requests, counted per job.
 */
public final class AiGatewayBenchmark {

    private static final Set<String> TABLES = Set.of("sluice-ai-sessions", "sluice-ai-cache", "sluice-ai-budgets",
            "sluice-ai-canaries", "sluice-analytics", "sluice-tenant-settings");
    private static final String TENANT = "bench-tenant";
    /** A route set with prices, so the budget and the totals do real arithmetic. */
    private static final String ROUTES = "dev";

    private final int jobs;

    public AiGatewayBenchmark(int jobs) {
        this.jobs = jobs;
    }

    public String run() throws Exception {
        Path dir = Files.createTempDirectory("sluice-ai-bench-");
        try (LocalDynamoDb store = LocalDynamoDb.start(dir.resolve("dynamodb"));
                DynamoDbClient dynamoDb = DynamoDbClient.builder().endpointOverride(store.endpoint())
                        .region(Region.US_EAST_1).httpClient(UrlConnectionHttpClient.create())
                        .credentialsProvider(StaticCredentialsProvider.create(
                                AwsBasicCredentials.create("bench", "bench"))).build()) {
            List<TableSpec> tables = Definitions.bundled().topology().tables().stream()
                    .filter(t -> TABLES.contains(t.name())).toList();
            LocalTables.create(dynamoDb, tables);
            // Limits no run of the benchmark reaches: it measures the reservation, not a wait for the next window.
            new TenantSettings(dynamoDb, "sluice-tenant-settings").setAiBudget(TENANT,
                    new TenantSettings.AiBudget(new BigDecimal("1000000"), 1_000_000_000L));
            ChatModel instant = new InstantModel();
            AiGateway gateway = gateway(dynamoDb, instant);

            int warmup = Math.max(50, jobs / 5);
            measureRaw(instant, warmup);
            measureGateway(gateway, warmup, "warm", false);
            double[] raw = measureRaw(instant, jobs);
            long before = store.requestCount();
            double[] miss = measureGateway(gateway, jobs, "miss", false);
            double missRequests = (store.requestCount() - before) / (double) jobs;
            measureGateway(gateway, 1, "prime", true);
            before = store.requestCount();
            double[] hit = measureGateway(gateway, jobs, "hit", true);
            double hitRequests = (store.requestCount() - before) / (double) jobs;

            StringBuilder out = new StringBuilder();
            out.append(String.format(Locale.ROOT, "AI gateway overhead, %d jobs each, one thread, a model that answers"
                    + " at once; DynamoDB Local in-process (%d cores, load average %.1f)%n%n", jobs,
                    Runtime.getRuntime().availableProcessors(),
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
            out.append("| subject | mean ms | p50 ms | p95 ms | DynamoDB requests / job |\n");
            out.append("| --- | ---: | ---: | ---: | ---: |\n");
            row(out, "raw model call", raw, 0);
            row(out, "gateway, cache miss (route, template, history, cache, budget, model, settle, totals)", miss,
                    missRequests);
            row(out, "gateway, exact cache hit", hit, hitRequests);
            out.append(String.format(Locale.ROOT, "%nOverhead per job (gateway − raw, mean): miss %.2f ms, hit %.2f ms%n",
                    mean(miss) - mean(raw), mean(hit) - mean(raw)));
            return out.toString();
        }
    }

    private static AiGateway gateway(DynamoDbClient dynamoDb, ChatModel model) {
        GatewayConfig config = GatewayConfig.bundled();
        Clock clock = Clock.systemUTC();
        PriceTable prices = new PriceTable(config.prices());
        AiUsageTotals totals = new AiUsageTotals(dynamoDb, "sluice-analytics");
        Metrics metrics = Metrics.toAgent(URI.create("udp://127.0.0.1:9"), "bench-ai");
        return new AiGateway(config.routes(ROUTES), config.defaultModelType(), config.defaults(),
                PromptTemplates.bundled(), new DynamoDbConversationHistory(dynamoDb, "sluice-ai-sessions", clock),
                Retrieval.NONE,
                new DynamoDbResponseCache(dynamoDb, "sluice-ai-cache", () -> {
                    throw new IllegalStateException("the benchmark's jobs use no semantic cache");
                }, metrics, clock),
                new BudgetLedger(dynamoDb, "sluice-ai-budgets", new TenantSettings(dynamoDb, "sluice-tenant-settings"),
                        config.budgets(), clock),
                prices,
                new ResilientModelRouter(id -> model, new DynamoDbCanaryStore(dynamoDb, "sluice-ai-canaries"), prices),
                usage -> totals.add(usage.tenantId(), usage.modelId(), usage.at().atZone(ZoneOffset.UTC).toLocalDate(),
                        usage.usage(), usage.costUsd(), usage.cache()),
                metrics, clock);
    }

    private static double[] measureRaw(ChatModel model, int n) {
        double[] millis = new double[n];
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            model.reply(new ChatRequest("m", null, List.of(dev.sluice.core.ai.ChatMessage.user("question " + i)), 0,
                    1024, null));
            millis[i] = (System.nanoTime() - start) / 1e6;
        }
        return millis;
    }

    /**
     * Each job its own session (no history: the same context) and its own question (a miss) or the same
     * question (a hit); every job must have met the cache as asked, or the figures are of something else.
     */
    private static double[] measureGateway(AiGateway gateway, int n, String label, boolean same) {
        double[] millis = new double[n];
        // Only the measured runs are checked: the warm-up and the priming call may meet the cache either way.
        String expected = label.equals("miss") || label.equals("hit") ? label : null;
        for (int i = 0; i < n; i++) {
            String id = label + "-" + i;
            Job job = Job.queued(java.util.UUID.randomUUID().toString(), TENANT, "bench-user",
                    JobType.AI_REQUEST, "normal", System.currentTimeMillis(), null, null);
            ObjectNode payload = Json.object();
            payload.put("sessionId", "s-" + id);
            payload.put("userId", "bench-user");
            payload.put("process", "logicArchitect");
            payload.put("input", same ? "How should a queue's retries back off?" : "Question " + id + ": how?");
            payload.put("priority", "normal");
            payload.put("timestamp", System.currentTimeMillis());
            payload.put("modelType", "haiku");
            payload.put("temperature", 0);
            long start = System.nanoTime();
            ObjectNode result = gateway.execute(job, payload, DeltaSink.NONE);
            millis[i] = (System.nanoTime() - start) / 1e6;
            String cache = result.at("/usage/cache").asText();
            if (expected != null && !cache.equals(expected)) {
                throw new IllegalStateException("job " + i + " of the " + label + " run met the cache as " + cache);
            }
        }
        return millis;
    }

    private static void row(StringBuilder out, String subject, double[] millis, double requests) {
        double[] sorted = millis.clone();
        Arrays.sort(sorted);
        out.append(String.format(Locale.ROOT, "| %s | %.3f | %.3f | %.3f | %.1f |%n", subject, mean(millis),
                sorted[sorted.length / 2], sorted[(int) Math.ceil(sorted.length * 0.95) - 1], requests));
    }

    private static double mean(double[] values) {
        return Arrays.stream(values).average().orElse(0);
    }

    /** Answers at once with a fixed reply and a realistic token count. */
    private static final class InstantModel implements ChatModel {

        @Override
        public ChatReply reply(ChatRequest request) {
            return new ChatReply("Back off exponentially with full jitter.", "bench", request.modelId(), true,
                    new TokenUsage(180, 12, 0, 0), "end_turn", null, 0);
        }
    }
}
