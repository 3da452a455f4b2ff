package dev.sluice.workers.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.cloudwatchlogs.emf.environment.Environment;
import software.amazon.cloudwatchlogs.emf.logger.MetricsLogger;
import software.amazon.cloudwatchlogs.emf.model.DimensionSet;

/**
 * The metrics of one invocation, or of one record: collected while it runs and written by
 * {@link #close()}, which callers reach through try-with-resources so that a failed invocation's
 * metrics are written too. Datapoints that share a dimension set go into one EMF document (repeated
 * values of a metric as its array of values); each dimension set gets its own document, since an
 * EMF directive applies all of its dimension sets to all of its metrics. Properties go on every
 * document of the scope. Thread-safe: a batch's messages may run in parallel.
 */
public final class MetricsScope implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MetricsScope.class);
    /** A dimension value EMF would refuse (empty) is written as this, so the datapoint is kept. */
    static final String UNKNOWN = "unknown";

    private record Point(Metric metric, double value) {
    }

    private final Environment environment;
    private final Map<String, Object> properties = new LinkedHashMap<>();
    /** Keyed by the dimension names and values, alternately. */
    private final Map<List<String>, List<Point>> byDimensions = new LinkedHashMap<>();
    private boolean closed;

    MetricsScope(Environment environment) {
        this.environment = environment;
    }

    /** A value searchable in the log event but no dimension (jobId, tenantId...): it costs no metric. */
    public synchronized MetricsScope property(String name, Object value) {
        properties.put(name, value);
        return this;
    }

    /** One occurrence of {@code metric}, a COUNT. */
    public MetricsScope count(Metric metric, String... dimensionValues) {
        return put(metric, 1, dimensionValues);
    }

    /**
     * A datapoint of {@code metric} in its unit, with a value for each of its dimensions in the order
     * {@link Metric#dimensions()} names them.
     */
    public synchronized MetricsScope put(Metric metric, double value, String... dimensionValues) {
        if (dimensionValues.length != metric.dimensions().size()) {
            throw new IllegalArgumentException(metric.metricName() + " takes the dimensions " + metric.dimensions()
                    + ", not " + dimensionValues.length + " values");
        }
        List<String> key = new ArrayList<>(2 * dimensionValues.length);
        for (int i = 0; i < dimensionValues.length; i++) {
            String v = dimensionValues[i];
            key.add(metric.dimensions().get(i));
            key.add(v == null || v.isBlank() ? UNKNOWN : v);
        }
        byDimensions.computeIfAbsent(List.copyOf(key), k -> new ArrayList<>()).add(new Point(metric, value));
        return this;
    }

    /**
     * Writes the datapoints, one EMF document per dimension set, through the environment's sink
     * (stdout on Lambda). Never throws: a metric that cannot be written must not fail the work it
     * measured. Writing twice writes nothing more.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        byDimensions.forEach((dimensions, points) -> {
            try {
                MetricsLogger logger = new MetricsLogger(environment);
                logger.setNamespace(Metrics.NAMESPACE);
                DimensionSet set = new DimensionSet();
                for (int i = 0; i < dimensions.size(); i += 2) {
                    set.addDimension(dimensions.get(i), dimensions.get(i + 1));
                }
                // Replaces the library's default dimensions (log group, service name and type), which
                // would multiply every metric by function.
                logger.setDimensions(set);
                properties.forEach(logger::putProperty);
                points.forEach(p -> logger.putMetric(p.metric().metricName(), p.value(), p.metric().unit()));
                logger.flush();
            } catch (RuntimeException e) {
                LOG.warn("metrics not written: {} {}: {}", points.size() == 1 ? "datapoint" : points.size()
                        + " datapoints", dimensions, e.toString());
            }
        });
    }
}
