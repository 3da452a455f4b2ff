package dev.sluice.workers.ai.gateway;

import dev.sluice.core.ai.ChatReply;
import java.util.Map;

/**
 * Answers already paid for: an exact cache (SHA-256 of what determines the answer, 24 h) and, where a
 * route opts in, a semantic one (a prompt's embedding within a similarity threshold). A store that is
 * down is bypassed (one log line), never a failed job: neither method throws.
 */
public interface ResponseCache {

    Lookup lookup(Query query);

    void store(Query query, ChatReply reply);

    /**
     * What determines an answer.
     *
     * @param prompt the rendered user turn (what the semantic cache embeds)
     * @param context a digest of everything else sent with it (history, retrieved chunks); must match exactly
     * @param template {@code name@version} of the prompt template
     * @param variables the template's non-text variables; a semantic hit needs them equal
     * @param semanticThreshold null when the route does not opt in to the semantic cache
     */
    record Query(String tenantId, String modelId, String system, String prompt, String context, double temperature,
            int maxTokens, String template, Map<String, String> variables, Double semanticThreshold) {

        public Query {
            variables = Map.copyOf(variables);
        }
    }

    /** @param similarity set for a semantic hit, so it can be audited */
    record Lookup(Outcome outcome, ChatReply reply, Double similarity) {

        public static Lookup miss() {
            return new Lookup(Outcome.MISS, null, null);
        }

        public static Lookup bypass() {
            return new Lookup(Outcome.BYPASS, null, null);
        }
    }

    /** As a job's {@code usage.cache} reads: {@code hit}, {@code miss}, {@code semantic}, {@code bypass}. */
    enum Outcome {
        HIT, MISS, SEMANTIC, BYPASS;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
