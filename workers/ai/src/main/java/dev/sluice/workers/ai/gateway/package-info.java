/**
 * The AI gateway an ai.request job goes through: route (model type → model), render the prompt
 * template, add the session's history, look in the caches, reserve the tenant's budget, call the
 * model with retries, a circuit breaker and a fallback chain (streaming deltas as they come), settle
 * the cost and record the usage.
 *
 * <p>The interfaces here are the gateway's ports to its parts; each part lives in its own package
 * ({@code cost}, {@code budget}, {@code cache}, {@code resilience}, {@code stream}).
 */
package dev.sluice.workers.ai.gateway;
