package dev.sluice.workers.ai.gateway;

import dev.sluice.core.ai.ChatReply;
import dev.sluice.core.ai.ChatRequest;
import dev.sluice.core.ai.DeltaSink;
import dev.sluice.core.ai.TokenUsage;
import dev.sluice.core.search.SearchHit;
import dev.sluice.workers.ai.history.ConversationHistory;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** Small fakes of the gateway's ports that keep what they were given. */
final class Fakes {

    private Fakes() {
    }

    /** A cache that answers {@code next} and keeps the queries and stores. */
    static final class Cache implements ResponseCache {
        final List<Query> lookups = new ArrayList<>();
        final List<ChatReply> stored = new ArrayList<>();
        Lookup next = Lookup.miss();

        @Override
        public Lookup lookup(Query query) {
            lookups.add(query);
            return next;
        }

        @Override
        public void store(Query query, ChatReply reply) {
            stored.add(reply);
        }
    }

    /** A budget of {@code limitUsd}, keeping every reservation and settlement. */
    static final class Ledger implements Budget {
        final List<Reservation> reserved = new ArrayList<>();
        final List<BigDecimal> settled = new ArrayList<>();
        BigDecimal limitUsd = new BigDecimal("100");

        @Override
        public Reservation reserve(String tenantId, String jobId, BigDecimal worstCaseUsd, long worstCaseTokens) {
            if (worstCaseUsd.compareTo(limitUsd) > 0) {
                throw new BudgetExhaustedException("daily_usd", Instant.parse("2026-12-03T00:00:00Z"),
                        "tenant " + tenantId + " has spent its daily budget");
            }
            Reservation r = new Reservation(tenantId, jobId, "2026-12-02", "2026-12-02T10:00", worstCaseUsd,
                    worstCaseTokens);
            reserved.add(r);
            return r;
        }

        @Override
        public void settle(Reservation reservation, BigDecimal costUsd, long tokens) {
            settled.add(costUsd);
        }

        @Override
        public boolean spent(String tenantId) {
            return false;
        }
    }

    /** USD per token: input and output at the prices given per model, cache tokens free. */
    record Prices(Map<String, BigDecimal[]> perToken) implements Pricing {

        @Override
        public BigDecimal cost(String modelId, TokenUsage usage) {
            BigDecimal[] p = perToken.get(modelId);
            return p[0].multiply(BigDecimal.valueOf(usage.inputTokens()))
                    .add(p[1].multiply(BigDecimal.valueOf(usage.outputTokens())));
        }

        @Override
        public BigDecimal worstCase(String modelId, int promptTokens, int maxTokens) {
            return cost(modelId, new TokenUsage(promptTokens, maxTokens, 0, 0));
        }
    }

    /** A router that answers with {@code answer} (or throws what it returns) and keeps the requests. */
    static final class Router implements ModelRouter {
        final List<ChatRequest> requests = new CopyOnWriteArrayList<>();
        Function<ChatRequest, Routed> answer;

        @Override
        public Routed call(Route route, String stickyKey, ChatRequest request, DeltaSink deltas) {
            requests.add(request);
            return answer.apply(request);
        }
    }

    /** Sessions in memory, newest first per key, keyed by tenant and session as the real one is. */
    static final class History implements ConversationHistory {
        final Map<String, List<Exchange>> sessions = new java.util.HashMap<>();

        @Override
        public List<Exchange> recent(String tenantId, String sessionId, int limit) {
            List<Exchange> all = sessions.getOrDefault(tenantId + "#" + sessionId, List.of());
            List<Exchange> newestFirst = new ArrayList<>(all);
            java.util.Collections.reverse(newestFirst);
            return newestFirst.subList(0, Math.min(limit, newestFirst.size()));
        }

        @Override
        public void append(String tenantId, String sessionId, Exchange exchange) {
            sessions.computeIfAbsent(tenantId + "#" + sessionId, k -> new ArrayList<>()).add(exchange);
        }
    }

    static SearchHit hit(String documentId, int ordinal, String text, Integer page, String... headings) {
        return new SearchHit(documentId, "dev/" + documentId + ".md", ordinal, text, 0.9, page, List.of(headings));
    }
}
