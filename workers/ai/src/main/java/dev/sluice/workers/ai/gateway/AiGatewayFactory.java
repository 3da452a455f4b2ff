package dev.sluice.workers.ai.gateway;

import dev.sluice.core.ai.ChatModel;
import dev.sluice.core.ai.ChatReply;
import dev.sluice.core.ai.ChatRequest;
import dev.sluice.core.ai.DeltaSink;
import dev.sluice.core.ai.TokenUsage;
import dev.sluice.core.aws.AwsClients;
import dev.sluice.workers.ai.config.GatewayConfig;
import dev.sluice.workers.ai.config.ModelPrice;
import dev.sluice.workers.ai.history.DynamoDbConversationHistory;
import dev.sluice.workers.ai.templates.PromptTemplateSources;
import dev.sluice.workers.config.Setting;
import dev.sluice.workers.metrics.Metrics;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Clock;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Builds the AI workers' gateway from their environment: the one place its parts are chosen.
 *
 * <p>LEAD, TO WIRE AFTER MERGING (each marked {@code WIRE:} below): the ports whose implementations
 * were built on other branches stand in here with the least that keeps an ai.request job working end
 * to end (no cache, no budget limit, one model call without retries or fallback, no usage totals, no
 * retrieval). Replace each stand-in by the real part and delete the stand-in classes at the bottom.
 */
public final class AiGatewayFactory {

    private AiGatewayFactory() {
    }

    /** The gateway of an AI worker whose environment declares AI_ROUTES, AI_SESSIONS_TABLE and PROMPT_TEMPLATES. */
    public static AiGateway fromEnvironment(AwsClients aws, ChatModel model) {
        GatewayConfig config = GatewayConfig.bundled();
        DynamoDbClient dynamoDb = aws.build(DynamoDbClient.builder(), "DYNAMODB");
        Clock clock = Clock.systemUTC();
        return new AiGateway(
                config.routes(Setting.AI_ROUTES.from(aws)),
                config.defaultModelType(),
                config.defaults(),
                PromptTemplateSources.fromEnvironment(aws),
                new DynamoDbConversationHistory(dynamoDb, Setting.AI_SESSIONS_TABLE.from(aws), clock),
                // WIRE: the search branch's Retriever (hybrid search of the tenant's chunks), as
                // (tenantId, text, k) -> retriever.top(tenantId, text, k); the worker's environment then needs
                // EMBEDDER/VECTOR_INDEX/OPENSEARCH_* and uses searchIndex sluice-chunks read (as the api has).
                Retrieval.NONE,
                // WIRE: the cache branch's ResponseCache (exact + semantic, table sluice-ai-cache).
                new NoCache(),
                // WIRE: the budget branch's BudgetLedger, built with config.budgets() (table sluice-ai-budgets).
                new NoBudget(),
                // WIRE: the budget branch's PriceTable, built with config.prices().
                new ConfiguredPrices(config.prices()),
                // WIRE: the resilience branch's ModelRouter over `model` (retries, breakers, fallbacks, canary).
                new SingleCallRouter(model),
                // WIRE: the budget branch's per-tenant/model/day totals in sluice-analytics.
                usage -> { },
                Metrics.fromEnvironment(),
                clock);
    }

    // ---- Stand-ins until the lead wires the real parts (see above). Delete them then. ----

    /** No cache: every lookup is a bypass, nothing is stored. */
    private static final class NoCache implements ResponseCache {

        @Override
        public Lookup lookup(Query query) {
            return Lookup.bypass();
        }

        @Override
        public void store(Query query, ChatReply reply) {
        }
    }

    /** No limit: every reservation fits. */
    private static final class NoBudget implements Budget {

        @Override
        public Reservation reserve(String tenantId, String jobId, BigDecimal worstCaseUsd, long worstCaseTokens) {
            return new Reservation(tenantId, jobId, null, null, worstCaseUsd, worstCaseTokens);
        }

        @Override
        public void settle(Reservation reservation, BigDecimal costUsd, long tokens) {
        }

        @Override
        public boolean spent(String tenantId) {
            return false;
        }
    }

    /** The configuration's prices, per million tokens of each kind. */
    private record ConfiguredPrices(Map<String, ModelPrice> prices) implements Pricing {

        private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

        @Override
        public BigDecimal cost(String modelId, TokenUsage usage) {
            ModelPrice p = price(modelId);
            return p.input().multiply(BigDecimal.valueOf(usage.inputTokens()))
                    .add(p.output().multiply(BigDecimal.valueOf(usage.outputTokens())))
                    .add(p.cacheRead().multiply(BigDecimal.valueOf(usage.cacheReadTokens())))
                    .add(p.cacheWrite().multiply(BigDecimal.valueOf(usage.cacheWriteTokens())))
                    .divide(MILLION, MathContext.DECIMAL64);
        }

        @Override
        public BigDecimal worstCase(String modelId, int promptTokens, int maxTokens) {
            return cost(modelId, new TokenUsage(promptTokens, maxTokens, 0, 0));
        }

        private ModelPrice price(String modelId) {
            ModelPrice p = prices.get(modelId);
            if (p == null) {
                throw new IllegalStateException("model " + modelId + " has no price in ai-gateway.json");
            }
            return p;
        }
    }

    /** The route's own model, called once: no canary, retries, breaker or fallback. */
    private record SingleCallRouter(ChatModel model) implements ModelRouter {

        @Override
        public Routed call(Route route, String stickyKey, ChatRequest request, DeltaSink deltas) {
            ChatReply reply = model.stream(request.withModel(route.modelId()), deltas);
            return new Routed(reply, route.modelId(), false, null, null);
        }
    }
}
