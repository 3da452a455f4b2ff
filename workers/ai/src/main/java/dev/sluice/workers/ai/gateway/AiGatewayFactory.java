package dev.sluice.workers.ai.gateway;

import dev.sluice.core.ai.ChatModel;
import dev.sluice.core.aws.AwsClients;
import dev.sluice.workers.ai.budget.BudgetLedger;
import dev.sluice.workers.ai.cache.DynamoDbResponseCache;
import dev.sluice.workers.ai.config.GatewayConfig;
import dev.sluice.workers.ai.cost.AiUsageTotals;
import dev.sluice.workers.ai.cost.PriceTable;
import dev.sluice.workers.ai.history.DynamoDbConversationHistory;
import dev.sluice.workers.ai.resilience.DynamoDbCanaryStore;
import dev.sluice.workers.ai.resilience.ResilientModelRouter;
import dev.sluice.workers.ai.templates.PromptTemplateSources;
import dev.sluice.workers.config.Lazy;
import dev.sluice.workers.config.Setting;
import dev.sluice.workers.embed.Embedders;
import dev.sluice.workers.metrics.Metrics;
import dev.sluice.workers.search.Retriever;
import dev.sluice.workers.search.VectorIndexes;
import java.time.Clock;
import java.time.ZoneOffset;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Builds the AI workers' gateway from their environment: the one place its parts are chosen. One
 * gateway lives as long as its Lambda instance, since its router's circuit breakers are in memory.
 */
public final class AiGatewayFactory {

    private AiGatewayFactory() {
    }

    /**
     * The gateway of an AI worker; {@code model} answers for every model id its routes name (the
     * profile's one provider: CHAT_MODEL).
     */
    public static AiGateway fromEnvironment(AwsClients aws, ChatModel model) {
        GatewayConfig config = GatewayConfig.bundled();
        DynamoDbClient dynamoDb = aws.build(DynamoDbClient.builder(), "DYNAMODB");
        Clock clock = Clock.systemUTC();
        Metrics metrics = Metrics.fromEnvironment();
        PriceTable prices = new PriceTable(config.prices());
        AiUsageTotals totals = new AiUsageTotals(dynamoDb, Setting.ANALYTICS_TABLE.from(aws));
        Embedders.Choice embedder = Embedders.choice(aws);
        VectorIndexes.Choice index = VectorIndexes.choice(aws);
        // Built on first use: a worker whose jobs never ask for documents or a semantic hit loads neither.
        Lazy<Retriever> retriever = Lazy.of(() -> new Retriever(embedder.embedder(aws), index.open(aws)));
        return new AiGateway(
                config.routes(Setting.AI_ROUTES.from(aws)),
                config.defaultModelType(),
                config.defaults(),
                PromptTemplateSources.fromEnvironment(aws),
                new DynamoDbConversationHistory(dynamoDb, Setting.AI_SESSIONS_TABLE.from(aws), clock),
                (tenantId, text, k) -> retriever.get().retrieve(tenantId, text, k),
                new DynamoDbResponseCache(dynamoDb, Setting.AI_CACHE_TABLE.from(aws),
                        Lazy.of(() -> embedder.embedder(aws)), metrics, clock),
                BudgetLedger.fromEnvironment(aws, dynamoDb, config.budgets()),
                prices,
                new ResilientModelRouter(modelId -> model,
                        new DynamoDbCanaryStore(dynamoDb, Setting.AI_CANARIES_TABLE.from(aws)), prices),
                usage -> totals.add(usage.tenantId(), usage.modelId(), usage.at().atZone(ZoneOffset.UTC).toLocalDate(),
                        usage.usage(), usage.costUsd(), usage.cache()),
                metrics,
                clock);
    }
}
