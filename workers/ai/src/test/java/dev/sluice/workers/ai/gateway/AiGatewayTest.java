package dev.sluice.workers.ai.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.ai.ChatMessage;
import dev.sluice.core.ai.ChatReply;
import dev.sluice.core.ai.DeltaSink;
import dev.sluice.core.ai.Guardrail;
import dev.sluice.core.ai.ModelFailure;
import dev.sluice.core.ai.TokenUsage;
import dev.sluice.core.failure.PortFailure;
import dev.sluice.core.jobs.Job;
import dev.sluice.core.jobs.JobType;
import dev.sluice.core.json.Json;
import dev.sluice.workers.ai.config.GatewayDefaults;
import dev.sluice.workers.ai.history.ConversationHistory;
import dev.sluice.workers.ai.templates.PromptTemplates;
import dev.sluice.workers.support.KeptMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The gateway's composition, with a small fake of each port: what it sends, what it records, what it returns. */
class AiGatewayTest {

    private static final BigDecimal SONNET_IN = new BigDecimal("0.000003");
    private static final BigDecimal SONNET_OUT = new BigDecimal("0.000015");
    private static final Route SONNET = new Route("sonnet", "sonnet-1", List.of("haiku-1"),
            new Guardrail("gr7", "2"), 0.95, null);
    private static final Route HAIKU = new Route("haiku", "haiku-1", List.of(), null, null, null);

    private final Fakes.Cache cache = new Fakes.Cache();
    private final Fakes.Ledger budget = new Fakes.Ledger();
    private final Fakes.Router router = new Fakes.Router();
    private final Fakes.History history = new Fakes.History();
    private final List<UsageRecord> totals = new ArrayList<>();
    private final KeptMetrics metrics = new KeptMetrics();
    private Retrieval retrieval = Retrieval.NONE;
    private final Fakes.Prices prices = new Fakes.Prices(Map.of(
            "sonnet-1", new BigDecimal[] {SONNET_IN, SONNET_OUT},
            "haiku-1", new BigDecimal[] {new BigDecimal("0.000001"), new BigDecimal("0.000005")}));

    private AiGateway gateway(int historyTokens) {
        return new AiGateway(Map.of("sonnet", SONNET, "haiku", HAIKU), "sonnet",
                new GatewayDefaults(1024, 0.2, historyTokens, 3), PromptTemplates.bundled(), history, retrieval, cache,
                budget, prices, router, totals::add, metrics.metrics(),
                Clock.fixed(Instant.parse("2026-12-02T10:00:00Z"), ZoneOffset.UTC));
    }

    private static Job job() {
        return Job.queued("0194a3c0-0000-7000-8000-000000000001", "acme", "caller", JobType.AI_REQUEST, "normal",
                1795342532990L, null, null);
    }

    private static ObjectNode payload() throws IOException {
        try (InputStream in = AiGatewayTest.class.getResourceAsStream("/gateway/job-payload.json")) {
            return (ObjectNode) Json.MAPPER.readTree(in);
        }
    }

    private static ChatReply reply(String model, String text, int in, int out) {
        return new ChatReply(text, "bedrock", model, true, new TokenUsage(in, out, 0, 0), "end_turn", null, 812);
    }

    private void modelAnswers(String text, int in, int out) {
        router.answer = r -> new ModelRouter.Routed(reply("sonnet-1", text, in, out), "sonnet-1", false, null, null);
    }

    @Test
    void aJobIsRoutedRenderedReservedCalledSettledAndAccounted() throws Exception {
        modelAnswers("1. Leaf & Ledger", 1000, 100);

        JsonNode result = gateway(2000).execute(job(), payload(), DeltaSink.NONE);

        assertThat(router.requests).hasSize(1);
        var request = router.requests.get(0);
        assertThat(request.modelId()).isEqualTo("sonnet-1");
        assertThat(request.guardrail()).isEqualTo(new Guardrail("gr7", "2"));
        assertThat(request.system()).contains("exactly 3 fresh, concrete ideas");
        assertThat(request.messages()).containsExactly(ChatMessage.user(
                "Three names for a tea shop.\n\nThe ideas are for: students."));
        assertThat(request.temperature()).isZero();
        assertThat(request.maxTokens()).isEqualTo(200);
        // Worst case: the costlier of the route's models, at every prompt token plus maxTokens of output.
        assertThat(budget.reserved).singleElement().satisfies(r -> {
            assertThat(r.tokens()).isGreaterThan(200);
            assertThat(r.usd()).isEqualByComparingTo(SONNET_IN.multiply(BigDecimal.valueOf(r.tokens() - 200))
                    .add(SONNET_OUT.multiply(BigDecimal.valueOf(200))));
        });
        assertThat(budget.settled).singleElement().satisfies(c -> assertThat(c).isEqualByComparingTo("0.0045"));
        assertThat(cache.lookups).singleElement().satisfies(q -> {
            assertThat(q.template()).isEqualTo("magicSpark@2");
            assertThat(q.variables()).isEqualTo(Map.of("audience", "students", "count", "3"));
            assertThat(q.semanticThreshold()).isEqualTo(0.95);
            assertThat(q.tenantId()).isEqualTo("acme");
        });
        assertThat(cache.stored).hasSize(1);
        assertThat(result.get("text").asText()).isEqualTo("1. Leaf & Ledger");
        assertThat(result.get("template").asText()).isEqualTo("magicSpark@2");
        assertThat(Json.parse(Json.write(result.get("usage")))).isEqualTo(Json.parse("""
                {"model": "sonnet-1", "provider": "bedrock", "inputTokens": 1000, "outputTokens": 100,
                 "cacheReadTokens": 0, "cacheWriteTokens": 0, "costUsd": 0.004500, "latencyMs": 812, "cache": "miss"}
                """));
        assertThat(result.get("stopReason").asText()).isEqualTo("end_turn");
        assertThat(result.has("fallbackUsed") || result.has("citations") || result.has("guardrail")).isFalse();
        assertThat(totals).singleElement().satisfies(u -> {
            assertThat(u.tenantId()).isEqualTo("acme");
            assertThat(u.modelId()).isEqualTo("sonnet-1");
            assertThat(u.costUsd()).isEqualByComparingTo("0.0045");
            assertThat(u.cache()).isEqualTo("miss");
        });
        assertThat(history.recent("acme", "s-1", 10)).containsExactly(new ConversationHistory.Exchange(
                job().jobId(), "Three names for a tea shop.\n\nThe ideas are for: students.", "1. Leaf & Ledger"));
    }

    @Test
    void costUsdIsEmittedWithoutDimensionsAndTokensByModel() throws Exception {
        modelAnswers("ok", 1000, 100);

        gateway(0).execute(job(), payload(), DeltaSink.NONE);

        JsonNode cost = metrics.withDimensions().stream().filter(d -> d.has("CostUsd")).findFirst().orElseThrow();
        assertThat(KeptMetrics.values(cost, "CostUsd")).containsExactly(0.0045);
        JsonNode tokens = metrics.withDimensions("model").get(0);
        assertThat(tokens.get("model").asText()).isEqualTo("sonnet-1");
        assertThat(KeptMetrics.values(tokens, "TokensIn")).containsExactly(1000.0);
        assertThat(KeptMetrics.values(tokens, "TokensOut")).containsExactly(100.0);
    }

    @Test
    void aCacheHitCallsNoModelReservesNothingAndCostsNothing() throws Exception {
        cache.next = new ResponseCache.Lookup(ResponseCache.Outcome.SEMANTIC, reply("sonnet-1", "cached", 900, 90),
                0.97);
        router.answer = r -> {
            throw new AssertionError("the model must not be called on a cache hit");
        };

        List<String> deltas = new ArrayList<>();

        JsonNode result = gateway(2000).execute(job(), payload(), new DeltaSink() {
            @Override
            public void accept(String text) {
                deltas.add(text);
            }

            @Override
            public void reset(String reason) {
                deltas.add("reset: " + reason);
            }
        });

        assertThat(router.requests).isEmpty();
        assertThat(deltas).containsExactly("cached");
        assertThat(budget.reserved).isEmpty();
        assertThat(cache.stored).isEmpty();
        assertThat(result.get("text").asText()).isEqualTo("cached");
        assertThat(result.at("/usage/cache").asText()).isEqualTo("semantic");
        assertThat(result.at("/usage/similarity").asDouble()).isEqualTo(0.97);
        assertThat(result.at("/usage/costUsd").decimalValue()).isZero();
        assertThat(result.at("/usage/inputTokens").asInt()).isZero();
        assertThat(totals).singleElement().satisfies(u -> assertThat(u.costUsd()).isZero());
        assertThat(metrics.documents()).noneMatch(d -> d.has("CostUsd") && KeptMetrics.values(d, "CostUsd")
                .stream().anyMatch(v -> v > 0));
    }

    @Test
    void anExhaustedBudgetPropagatesAndTheModelIsNotCalled() throws Exception {
        budget.limitUsd = new BigDecimal("0.0001");
        modelAnswers("never", 1, 1);

        assertThatThrownBy(() -> gateway(0).execute(job(), payload(), DeltaSink.NONE))
                .isInstanceOfSatisfying(BudgetExhaustedException.class,
                        e -> assertThat(e.limit()).isEqualTo("daily_usd"));
        assertThat(router.requests).isEmpty();
        assertThat(totals).isEmpty();
    }

    @Test
    void aFailedCallSettlesTheReservationToZeroAndRethrows() throws Exception {
        ModelFailure throttled = new ModelFailure(ModelFailure.Kind.THROTTLED, "slow down", null);
        router.answer = r -> {
            throw throttled;
        };

        assertThatThrownBy(() -> gateway(0).execute(job(), payload(), DeltaSink.NONE)).isSameAs(throttled);
        assertThat(budget.reserved).hasSize(1);
        assertThat(budget.settled).singleElement().satisfies(c -> assertThat(c).isZero());
        assertThat(cache.stored).isEmpty();
        assertThat(history.sessions).isEmpty();
    }

    @Test
    void aFallbackIsRecordedAndPricedAtTheModelThatAnswered() throws Exception {
        router.answer = r -> new ModelRouter.Routed(reply("haiku-1", "from haiku", 1000, 100), "haiku-1", false,
                "sonnet-1", "circuit_open");

        JsonNode result = gateway(0).execute(job(), payload(), DeltaSink.NONE);

        assertThat(result.get("fallbackUsed")).isEqualTo(Json.parse("{\"from\": \"sonnet-1\", \"reason\": \"circuit_open\"}"));
        assertThat(result.get("model").asText()).isEqualTo("haiku-1");
        assertThat(result.at("/usage/costUsd").decimalValue()).isEqualByComparingTo("0.0015");
        assertThat(budget.settled).singleElement().satisfies(c -> assertThat(c).isEqualByComparingTo("0.0015"));
    }

    @Test
    void aGuardrailInterventionIsRecordedOnTheResultAndNotCached() throws Exception {
        router.answer = r -> new ModelRouter.Routed(new ChatReply("Sorry, I cannot help with that.", "bedrock",
                "sonnet-1", true, new TokenUsage(50, 10, 0, 0), "guardrail_intervened",
                new ChatReply.GuardrailIntervention("gr7", List.of("contentPolicy:HATE")), 300), "sonnet-1", false,
                null, null);

        JsonNode result = gateway(0).execute(job(), payload(), DeltaSink.NONE);

        assertThat(result.get("stopReason").asText()).isEqualTo("guardrail_intervened");
        assertThat(result.get("guardrail")).isEqualTo(Json.parse(
                "{\"id\": \"gr7\", \"policies\": [\"contentPolicy:HATE\"]}"));
        assertThat(cache.stored).isEmpty();
    }

    @Test
    void aMissingTemplateVersionFailsPermanentlyNamingIt() throws Exception {
        ObjectNode payload = payload().put("templateVersion", 9);

        assertThatThrownBy(() -> gateway(0).execute(job(), payload, DeltaSink.NONE))
                .isInstanceOfSatisfying(PortFailure.class, e -> {
                    assertThat(e.code()).isEqualTo("template_not_found");
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).contains("magicSpark", "9");
                });
        assertThat(budget.reserved).isEmpty();
        assertThat(router.requests).isEmpty();
    }

    @Test
    void theLatestTemplateVersionIsUsedUnlessOneIsPinned() throws Exception {
        modelAnswers("ok", 1, 1);
        ObjectNode latest = payload();
        latest.remove("templateVersion");
        ObjectNode first = payload().put("templateVersion", 1);

        assertThat(gateway(0).execute(job(), latest, DeltaSink.NONE).get("template").asText())
                .isEqualTo("magicSpark@2");
        assertThat(gateway(0).execute(job(), first, DeltaSink.NONE).get("template").asText())
                .isEqualTo("magicSpark@1");
        assertThat(router.requests.get(1).messages()).containsExactly(ChatMessage.user("Three names for a tea shop."));
    }

    @Test
    void theModelTypeChoosesTheRouteAndTheDefaultIsSonnet() throws Exception {
        router.answer = r -> new ModelRouter.Routed(reply(r.modelId(), "ok", 1, 1), r.modelId(), false, null, null);
        ObjectNode haiku = payload().put("modelType", "haiku");
        ObjectNode unset = payload();
        unset.remove("modelType");

        gateway(0).execute(job(), haiku, DeltaSink.NONE);
        gateway(0).execute(job(), unset, DeltaSink.NONE);

        assertThat(router.requests).extracting(r -> r.modelId()).containsExactly("haiku-1", "sonnet-1");
    }

    @Test
    void historyWithinTheBudgetGoesFirstAndTheOldestTurnsAreDropped() throws Exception {
        // Each exchange is 40 + 40 characters: 20 estimated tokens. A budget of 45 keeps the newest two.
        for (int i = 1; i <= 4; i++) {
            history.append("acme", "s-1", new ConversationHistory.Exchange("j" + i, ("question " + i).repeat(4),
                    ("answer-" + i + "..").repeat(4)));
        }
        history.append("other", "s-1", new ConversationHistory.Exchange("x", "another tenant's turn", "secret"));
        modelAnswers("ok", 1, 1);

        gateway(45).execute(job(), payload(), DeltaSink.NONE);

        List<ChatMessage> sent = router.requests.get(0).messages();
        assertThat(sent).hasSize(5);
        assertThat(sent.get(0)).isEqualTo(ChatMessage.user("question 3".repeat(4)));
        assertThat(sent.get(1)).isEqualTo(ChatMessage.assistant("answer-3..".repeat(4)));
        assertThat(sent.get(2)).isEqualTo(ChatMessage.user("question 4".repeat(4)));
        assertThat(sent.get(3)).isEqualTo(ChatMessage.assistant("answer-4..".repeat(4)));
        assertThat(sent).noneMatch(m -> m.text().contains("secret") || m.text().contains("another tenant"));
        assertThat(cache.lookups.get(0).context()).isNotEmpty();
    }

    @Test
    void withUseDocumentsTheTenantsChunksGoAsContextAndAreCited() throws Exception {
        List<String> asked = new ArrayList<>();
        retrieval = (tenantId, text, k) -> {
            asked.add(tenantId + "|" + text + "|" + k);
            return List.of(Fakes.hit("doc-a", 4, "Tea shops thrive near campuses.", 2, "Market", "Location"),
                    Fakes.hit("doc-b", 0, "Short names are remembered.", null));
        };
        modelAnswers("ok", 1, 1);

        JsonNode result = gateway(0).execute(job(), payload().put("useDocuments", true), DeltaSink.NONE);

        assertThat(asked).containsExactly("acme|Three names for a tea shop.|3");
        String turn = router.requests.get(0).input();
        assertThat(DocumentContext.documents(turn)).containsExactly("Tea shops thrive near campuses.",
                "Short names are remembered.");
        assertThat(DocumentContext.question(turn)).isEqualTo("Three names for a tea shop.\n\nThe ideas are for: students.");
        assertThat(result.get("citations")).isEqualTo(Json.parse("""
                [{"index": 1, "documentId": "doc-a", "key": "dev/doc-a.md", "page": 2,
                  "headingPath": ["Market", "Location"], "ordinal": 4},
                 {"index": 2, "documentId": "doc-b", "key": "dev/doc-b.md", "page": null, "headingPath": [],
                  "ordinal": 0}]
                """));
        // The history keeps the user's own turn, not the documents.
        assertThat(history.recent("acme", "s-1", 1).get(0).user()).doesNotContain("<documents>");
    }

    @Test
    void anUnknownModelTypeFailsPermanently() throws Exception {
        ObjectNode payload = payload().put("modelType", "gpt");

        assertThatThrownBy(() -> gateway(0).execute(job(), payload, DeltaSink.NONE))
                .isInstanceOfSatisfying(PortFailure.class, e -> {
                    assertThat(e.code()).isEqualTo("unknown_model_type");
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).contains("gpt");
                });
    }
}
