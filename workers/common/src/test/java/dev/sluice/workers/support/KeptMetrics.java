package dev.sluice.workers.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.json.Json;
import dev.sluice.workers.metrics.Metrics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.cloudwatchlogs.emf.environment.Environment;
import software.amazon.cloudwatchlogs.emf.model.MetricsContext;
import software.amazon.cloudwatchlogs.emf.sinks.ISink;

/** An EMF environment whose sink keeps the documents the library serializes, parsed, for tests to read. */
public final class KeptMetrics implements Environment, ISink {

    private final List<JsonNode> documents = new CopyOnWriteArrayList<>();

    public Metrics metrics() {
        return new Metrics(this);
    }

    public List<JsonNode> documents() {
        return documents;
    }

    /** The documents whose one directive has exactly these dimension names. */
    public List<JsonNode> withDimensions(String... names) {
        return documents.stream().filter(d -> dimensionSets(d).equals(List.of(List.of(names)))).toList();
    }

    public static JsonNode directive(JsonNode document) {
        JsonNode directives = document.path("_aws").path("CloudWatchMetrics");
        if (directives.size() != 1) {
            throw new AssertionError("not one directive: " + document);
        }
        return directives.get(0);
    }

    public static List<List<String>> dimensionSets(JsonNode document) {
        List<List<String>> sets = new ArrayList<>();
        directive(document).path("Dimensions").forEach(set -> {
            List<String> names = new ArrayList<>();
            set.forEach(n -> names.add(n.asText()));
            sets.add(names);
        });
        return sets;
    }

    /** A metric's values in a document: one, or the array EMF writes for several. */
    public static List<Double> values(JsonNode document, String metric) {
        JsonNode v = document.path(metric);
        List<Double> values = new ArrayList<>();
        if (v.isArray()) {
            v.forEach(x -> values.add(x.asDouble()));
        } else if (v.isNumber()) {
            values.add(v.asDouble());
        }
        return values;
    }

    @Override
    public boolean probe() {
        return true;
    }

    @Override
    public String getName() {
        return "test";
    }

    @Override
    public String getType() {
        return "test";
    }

    @Override
    public String getLogGroupName() {
        return "test";
    }

    @Override
    public void configureContext(MetricsContext context) {
    }

    @Override
    public ISink getSink() {
        return this;
    }

    @Override
    public void accept(MetricsContext context) {
        try {
            context.serialize().forEach(line -> documents.add(Json.parse(line)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public CompletableFuture<Void> shutdown() {
        return CompletableFuture.completedFuture(null);
    }
}
