package dev.sluice.workers.ai.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.ai.ChatMessage;
import dev.sluice.core.ai.ChatReply;
import dev.sluice.core.ai.ChatRequest;
import dev.sluice.core.ai.DeltaSink;
import dev.sluice.core.ai.TokenUsage;
import dev.sluice.core.failure.PortFailure;
import dev.sluice.core.hash.Sha256;
import dev.sluice.core.jobs.Job;
import dev.sluice.core.json.Json;
import dev.sluice.core.search.SearchHit;
import dev.sluice.workers.ai.config.GatewayConfig;
import dev.sluice.workers.ai.config.GatewayDefaults;
import dev.sluice.workers.ai.history.ConversationHistory;
import dev.sluice.workers.ai.history.HistoryWindow;
import dev.sluice.workers.ai.history.TokenEstimate;
import dev.sluice.workers.ai.templates.PromptTemplate;
import dev.sluice.workers.ai.templates.PromptTemplates;
import dev.sluice.workers.ai.templates.RenderedPrompt;
import dev.sluice.workers.metrics.Metric;
import dev.sluice.workers.metrics.Metrics;
import dev.sluice.workers.metrics.MetricsScope;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an ai.request job goes through: route (its {@code modelType}, else the default) → prompt
 * template (its {@code process}, latest version unless {@code templateVersion} pins one) → the
 * session's history within its token budget → the tenant's documents when {@code useDocuments} →
 * the response cache → the budget's reservation of the worst case → the model, through the router
 * (canary, retries, breaker, fallbacks) → the budget settled to the real cost → cache, history and
 * usage totals. The result names what answered and what it cost.
 */
public final class AiGateway {

    /** Exchanges read per request before the token budget cuts them: more never fit a sane budget. */
    static final int HISTORY_EXCHANGES = 50;
    private static final Logger LOG = LoggerFactory.getLogger(AiGateway.class);

    private final Map<String, Route> routes;
    private final String defaultModelType;
    private final GatewayDefaults defaults;
    private final PromptTemplates templates;
    private final ConversationHistory history;
    private final Retrieval retrieval;
    private final ResponseCache cache;
    private final Budget budget;
    private final Pricing pricing;
    private final ModelRouter router;
    private final Consumer<UsageRecord> usageTotals;
    private final Metrics metrics;
    private final Clock clock;

    public AiGateway(Map<String, Route> routes, String defaultModelType, GatewayDefaults defaults,
            PromptTemplates templates, ConversationHistory history, Retrieval retrieval, ResponseCache cache,
            Budget budget, Pricing pricing, ModelRouter router, Consumer<UsageRecord> usageTotals, Metrics metrics,
            Clock clock) {
        this.routes = Map.copyOf(routes);
        this.defaultModelType = defaultModelType;
        this.defaults = defaults;
        this.templates = templates;
        this.history = history;
        this.retrieval = retrieval;
        this.cache = cache;
        this.budget = budget;
        this.pricing = pricing;
        this.router = router;
        this.usageTotals = usageTotals;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * Answers one job. A permanent {@link PortFailure} ({@code template_not_found},
     * {@code unknown_model_type}, a model's refusal) fails the job; a
     * {@link BudgetExhaustedException} or a transient failure leaves it to be tried again.
     */
    public ObjectNode execute(Job job, JsonNode payload, DeltaSink deltas) {
        long started = clock.millis();
        String modelType = text(payload, "modelType", defaultModelType);
        Route route = routes.get(modelType);
        if (route == null) {
            throw PortFailure.permanent("unknown_model_type", "modelType " + modelType + " is not one of "
                    + GatewayConfig.MODEL_TYPES, null);
        }
        String input = payload.path("input").asText();
        PromptTemplate template = templates.get(payload.path("process").asText(),
                payload.hasNonNull("templateVersion") ? payload.get("templateVersion").asInt() : null);
        Map<String, Object> variables = new LinkedHashMap<>();
        if (payload.path("variables").isObject()) {
            payload.get("variables").properties().forEach(v -> variables.put(v.getKey(),
                    Json.MAPPER.convertValue(v.getValue(), Object.class)));
        }
        variables.put("input", input);
        RenderedPrompt prompt = templates.render(template, variables);

        String sessionId = payload.path("sessionId").asText(null);
        List<ChatMessage> earlier = sessionId == null || defaults.historyTokens() == 0 ? List.of()
                : HistoryWindow.fit(history.recent(job.tenantId(), sessionId, HISTORY_EXCHANGES),
                        defaults.historyTokens());
        List<SearchHit> hits = payload.path("useDocuments").asBoolean(false)
                ? retrieval.retrieve(job.tenantId(), input, defaults.documents()) : List.of();
        List<ChatMessage> messages = new ArrayList<>(earlier);
        messages.add(ChatMessage.user(DocumentContext.wrap(hits, prompt.user())));
        double temperature = payload.hasNonNull("temperature") ? payload.get("temperature").asDouble()
                : defaults.temperature();
        int maxTokens = payload.hasNonNull("maxTokens") ? payload.get("maxTokens").asInt() : defaults.maxTokens();
        ChatRequest request = new ChatRequest(route.modelId(), prompt.system(), messages, temperature, maxTokens,
                route.guardrail());
        ResponseCache.Query query = new ResponseCache.Query(job.tenantId(), route.modelId(), prompt.system(),
                prompt.user(), contextDigest(earlier, hits), temperature, maxTokens, template.id(),
                textVariables(payload.path("variables")), route.semanticThreshold());

        ResponseCache.Lookup cached = cache.lookup(query);
        if (cached.outcome() == ResponseCache.Outcome.HIT || cached.outcome() == ResponseCache.Outcome.SEMANTIC) {
            ChatReply reply = cached.reply();
            // As a model that cannot stream answers: the whole text as one delta.
            deltas.accept(reply.text());
            Answer answer = new Answer(reply, reply.model(), null, null, false, TokenUsage.NONE, BigDecimal.ZERO,
                    clock.millis() - started, cached);
            return finish(job, sessionId, modelType, template, prompt, hits, answer);
        }

        int promptTokens = TokenEstimate.of(prompt.system());
        for (ChatMessage m : messages) {
            promptTokens += TokenEstimate.of(m.text());
        }
        BigDecimal worstCase = BigDecimal.ZERO;
        for (String model : GatewayConfig.models(route)) {
            worstCase = worstCase.max(pricing.worstCase(model, promptTokens, maxTokens));
        }
        Budget.Reservation reservation = budget.reserve(job.tenantId(), job.jobId(), worstCase,
                (long) promptTokens + maxTokens);
        ModelRouter.Routed routed;
        try {
            routed = router.call(route, stickyKey(job, payload), request, deltas);
        } catch (RuntimeException e) {
            // Nothing was spent (a model that failed is not billed): give the reservation back.
            budget.settle(reservation, BigDecimal.ZERO, 0);
            throw e;
        }
        ChatReply reply = routed.reply();
        BigDecimal cost = pricing.cost(routed.modelId(), reply.usage());
        budget.settle(reservation, cost, reply.usage().total());
        if (reply.intervention() == null) {
            // A guardrail's refusal is not an answer to replay: the policy may change, the question stays.
            cache.store(query, reply);
        }
        Answer answer = new Answer(reply, routed.modelId(), routed.fallbackFrom(), routed.fallbackReason(),
                routed.canary(), reply.usage(), cost, reply.latencyMs(), cached);
        return finish(job, sessionId, modelType, template, prompt, hits, answer);
    }

    /** What answered, and what it cost; {@code lookup} says whether the cache did. */
    private record Answer(ChatReply reply, String modelId, String fallbackFrom, String fallbackReason,
            boolean canary, TokenUsage usage, BigDecimal costUsd, long latencyMs, ResponseCache.Lookup lookup) {
    }

    private ObjectNode finish(Job job, String sessionId, String modelType, PromptTemplate template,
            RenderedPrompt prompt, List<SearchHit> hits, Answer answer) {
        ChatReply reply = answer.reply();
        if (sessionId != null) {
            try {
                // The user's own turn, without the documents: they are retrieved again for the next request.
                history.append(job.tenantId(), sessionId,
                        new ConversationHistory.Exchange(job.jobId(), prompt.user(), reply.text()));
            } catch (RuntimeException e) {
                // The answer is paid for; failing the job now would pay for it again on the retry.
                LOG.warn("conversation history not recorded: {}", e.toString());
            }
        }
        String cacheOutcome = answer.lookup().outcome().wire();
        try {
            usageTotals.accept(new UsageRecord(job.tenantId(), job.jobId(), modelType, answer.modelId(),
                    reply.provider(), answer.usage(), answer.costUsd(), cacheOutcome, clock.instant()));
        } catch (RuntimeException e) {
            LOG.warn("AI usage totals not recorded: {}", e.toString());
        }
        if (answer.lookup().reply() == null) {
            try (MetricsScope scope = metrics.scope()) {
                TokenUsage usage = answer.usage();
                scope.property("jobId", job.jobId()).property("tenantId", job.tenantId())
                        .put(Metric.TOKENS_IN, usage.inputTokens() + usage.cacheReadTokens() + usage.cacheWriteTokens(),
                                answer.modelId())
                        .put(Metric.TOKENS_OUT, usage.outputTokens(), answer.modelId())
                        .put(Metric.COST_USD, answer.costUsd().doubleValue());
            }
        }
        LOG.atInfo().setMessage("ai request answered").addKeyValue("model", answer.modelId())
                .addKeyValue("cache", cacheOutcome).addKeyValue("costUsd", answer.costUsd().toPlainString()).log();
        return result(modelType, template, hits, answer);
    }

    private static ObjectNode result(String modelType, PromptTemplate template, List<SearchHit> hits, Answer answer) {
        ChatReply reply = answer.reply();
        ObjectNode result = Json.object();
        result.put("text", reply.text());
        result.put("provider", reply.provider());
        result.put("model", reply.model());
        result.put("generative", reply.generative());
        result.put("modelType", modelType);
        result.put("template", template.id());
        ObjectNode usage = result.putObject("usage");
        usage.put("model", reply.model());
        usage.put("provider", reply.provider());
        usage.put("inputTokens", answer.usage().inputTokens());
        usage.put("outputTokens", answer.usage().outputTokens());
        usage.put("cacheReadTokens", answer.usage().cacheReadTokens());
        usage.put("cacheWriteTokens", answer.usage().cacheWriteTokens());
        usage.put("costUsd", answer.costUsd());
        usage.put("latencyMs", answer.latencyMs());
        usage.put("cache", answer.lookup().outcome().wire());
        if (answer.lookup().similarity() != null) {
            usage.put("similarity", answer.lookup().similarity());
        }
        if (answer.fallbackFrom() != null) {
            result.putObject("fallbackUsed").put("from", answer.fallbackFrom()).put("reason", answer.fallbackReason());
        }
        if (answer.canary()) {
            result.put("canary", true);
        }
        result.put("stopReason", reply.stopReason());
        if (reply.intervention() != null) {
            ObjectNode guardrail = result.putObject("guardrail");
            guardrail.put("id", reply.intervention().guardrailId());
            reply.intervention().policies().forEach(guardrail.putArray("policies")::add);
        }
        if (!hits.isEmpty()) {
            ArrayNode citations = result.putArray("citations");
            for (int i = 0; i < hits.size(); i++) {
                SearchHit hit = hits.get(i);
                ObjectNode citation = citations.addObject();
                citation.put("index", i + 1);
                citation.put("documentId", hit.documentId());
                citation.put("key", hit.key());
                if (hit.page() != null) {
                    citation.put("page", hit.page());
                } else {
                    citation.putNull("page");
                }
                hit.headingPath().forEach(citation.putArray("headingPath")::add);
                citation.put("ordinal", hit.ordinal());
            }
        }
        return result;
    }

    /** The end user the canary sticks to: the payload's userId, else the caller. */
    private static String stickyKey(Job job, JsonNode payload) {
        return text(payload, "userId", job.userId());
    }

    /** Everything besides the prompt that shapes the answer: earlier turns and the chunks given. */
    private static String contextDigest(List<ChatMessage> earlier, List<SearchHit> hits) {
        if (earlier.isEmpty() && hits.isEmpty()) {
            return "";
        }
        ArrayNode context = Json.MAPPER.createArrayNode();
        earlier.forEach(m -> context.addObject().put("role", m.role().wire()).put("text", m.text()));
        hits.forEach(h -> context.addObject().put("documentId", h.documentId()).put("ordinal", h.ordinal())
                .put("text", h.text()));
        return Sha256.hex(Json.write(context));
    }

    /** The template's variables as text, keys sorted: a number or a list as its JSON. */
    private static Map<String, String> textVariables(JsonNode variables) {
        Map<String, String> text = new TreeMap<>();
        if (variables.isObject()) {
            variables.properties().forEach(v -> text.put(v.getKey(),
                    v.getValue().isTextual() ? v.getValue().asText() : Json.write(v.getValue())));
        }
        return text;
    }

    private static String text(JsonNode payload, String field, String fallback) {
        JsonNode node = payload.path(field);
        return node.isTextual() ? node.asText() : fallback;
    }
}
