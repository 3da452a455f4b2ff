package dev.sluice.workers.ai.cache;

import dev.sluice.core.json.CanonicalJson;
import dev.sluice.workers.ai.gateway.ResponseCache.Query;
import java.util.Map;

/**
 * Where a query's answers live. Both keys hash the tenant: an answer built from one tenant's prompt, history or
 * documents is never served to another, even when everything else sent to the model is the same.
 */
final class CacheKeys {

    private CacheKeys() {
    }

    /** What the exact cache keys on: everything sent to the model that shapes its answer. */
    private record Exact(String tenantId, String modelId, String system, String prompt, String context,
            double temperature, int maxTokens, String template) {
    }

    /**
     * The semantic cache's partition: everything but the prompt's text, which only has to be near. The embedder's
     * model is part of it, since vectors of two models cannot be compared.
     */
    private record Semantic(String tenantId, String modelId, String system, String context, int maxTokens,
            String template, Map<String, String> variables, String embedder) {
    }

    /** The exact entry's partition key. */
    static String exact(Query q) {
        return "exact#" + CanonicalJson.sha256(new Exact(q.tenantId(), q.modelId(), q.system(), q.prompt(),
                q.context(), q.temperature(), q.maxTokens(), q.template()));
    }

    /** The partition key of the entries a semantic lookup compares the prompt with. */
    static String semantic(Query q, String embedderModel) {
        return "semantic#" + CanonicalJson.sha256(new Semantic(q.tenantId(), q.modelId(), q.system(), q.context(),
                q.maxTokens(), q.template(), q.variables(), embedderModel));
    }
}
