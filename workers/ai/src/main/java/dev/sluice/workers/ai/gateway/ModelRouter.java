package dev.sluice.workers.ai.gateway;

import dev.sluice.core.ai.ChatReply;
import dev.sluice.core.ai.ChatRequest;
import dev.sluice.core.ai.DeltaSink;

/**
 * Calls a route's model resiliently: its canary (sticky per {@code stickyKey}), retries of transient
 * failures, a circuit breaker per model, then the route's fallback chain. Throws the last
 * {@link dev.sluice.core.ai.ModelFailure} when every model failed.
 */
public interface ModelRouter {

    /** {@code request.modelId()} is ignored: the route says which models to try. */
    Routed call(Route route, String stickyKey, ChatRequest request, DeltaSink deltas);

    /**
     * @param fallbackFrom the model the route would have used when a fallback answered, else null
     * @param fallbackReason why (e.g. {@code circuit_open}, {@code model_throttled}), else null
     */
    record Routed(ChatReply reply, String modelId, boolean canary, String fallbackFrom, String fallbackReason) {
    }
}
