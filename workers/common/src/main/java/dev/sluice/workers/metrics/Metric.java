package dev.sluice.workers.metrics;

import java.util.List;
import software.amazon.cloudwatchlogs.emf.model.Unit;

/**
 * Every metric Sluice emits, in namespace {@link Metrics#NAMESPACE}: its CloudWatch name, unit and
 * the dimensions it always carries, in order. Each metric has one small dimension set, fixed here:
 * CloudWatch bills every combination of dimension values as a metric of its own, so ids (jobId,
 * tenantId, documentId) never become dimensions; they travel as EMF properties, searchable in Logs
 * Insights and free of metric charges.
 */
public enum Metric {

    /** A job the API accepted (not an idempotent replay of one). */
    JOBS_SUBMITTED("JobsSubmitted", Unit.COUNT, "type"),
    JOBS_SUCCEEDED("JobsSucceeded", Unit.COUNT, "type"),
    /** {@code reason} is the JobError code. */
    JOBS_FAILED("JobsFailed", Unit.COUNT, "type", "reason"),
    /** From the job's submission to its outcome, either one. */
    JOB_LATENCY("JobLatency", Unit.MILLISECONDS, "type"),
    /** From a message's SentTimestamp to its handling, per message. */
    QUEUE_AGE("QueueAge", Unit.MILLISECONDS, "queue"),
    DOCUMENTS_READY("DocumentsReady", Unit.COUNT),
    /** {@code reason} is the failure code. */
    DOCUMENTS_FAILED("DocumentsFailed", Unit.COUNT, "reason"),
    /** Chunks written to the vector index (a retried batch counts again: it was indexed again). */
    INGEST_CHUNKS("IngestChunks", Unit.COUNT),
    /** Messages an operator's replay sent from a dead-letter queue back to work. */
    DLQ_REPLAYED("DlqReplayed", Unit.COUNT, "queue"),
    /**
     * A response-cache lookup that answered, {@code outcome} {@code hit} (exact) or {@code semantic}. The hit rate is
     * the sum of CacheHit over the sum of CacheHit and CacheMiss, over all their outcomes.
     */
    CACHE_HIT("CacheHit", Unit.COUNT, "outcome"),
    /**
     * A response-cache lookup that did not answer, {@code outcome} {@code miss} (the store answered, no entry) or
     * {@code bypass} (the store could not be asked): a rising bypass count is a store in trouble, not a cold cache.
     */
    CACHE_MISS("CacheMiss", Unit.COUNT, "outcome"),
    /** Prompt tokens an AI job's model call consumed (input, cache read and cache write), by the model that answered. */
    TOKENS_IN("TokensIn", Unit.COUNT, "model"),
    TOKENS_OUT("TokensOut", Unit.COUNT, "model"),
    /** What an AI job cost in USD (0 for a cache hit). No dimensions: the daily cost alarm reads the sum as it is. */
    COST_USD("CostUsd", Unit.NONE);

    private final String metricName;
    private final Unit unit;
    private final List<String> dimensions;

    Metric(String metricName, Unit unit, String... dimensions) {
        this.metricName = metricName;
        this.unit = unit;
        this.dimensions = List.of(dimensions);
    }

    /** The name in CloudWatch (and in alarms and dashboards). */
    public String metricName() {
        return metricName;
    }

    public Unit unit() {
        return unit;
    }

    /** The dimension names, in the order their values are given. */
    public List<String> dimensions() {
        return dimensions;
    }
}
