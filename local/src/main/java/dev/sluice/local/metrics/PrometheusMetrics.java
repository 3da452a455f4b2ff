package dev.sluice.local.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What the functions' EMF documents add up to, in Prometheus's text exposition format (0.0.4). A
 * series is a metric of a namespace with one of its directive's dimension sets; its labels are that
 * set's dimensions. A {@code Count} metric becomes a counter, {@code sluice_jobs_succeeded_total};
 * any other unit a summary of sum and count only, {@code sluice_job_latency_milliseconds_sum} and
 * {@code _count}: EMF hands over raw values, so sum and count are exact, and CloudWatch computes the
 * percentiles on AWS; buckets of a histogram would be a guess made here.
 */
public final class PrometheusMetrics {

    private record Series(String family, String type, SortedMap<String, String> labels) {
    }

    private static final class Total {
        double sum;
        long count;
    }

    private final Map<Series, Total> totals = new TreeMap<>(PrometheusMetrics::compare);

    /** Adds one EMF document; returns false, adding nothing, when it is no EMF document. */
    public synchronized boolean add(JsonNode document) {
        JsonNode directives = document.path("_aws").path("CloudWatchMetrics");
        if (!directives.isArray() || directives.isEmpty()) {
            return false;
        }
        for (JsonNode directive : directives) {
            String namespace = directive.path("Namespace").asText("");
            for (JsonNode dimensionSet : directive.path("Dimensions")) {
                SortedMap<String, String> labels = new TreeMap<>();
                dimensionSet.forEach(d -> labels.put(labelName(d.asText()), document.path(d.asText()).asText("")));
                for (JsonNode metric : directive.path("Metrics")) {
                    String name = metric.path("Name").asText();
                    String unit = metric.path("Unit").asText("None");
                    boolean counter = unit.equals("Count");
                    String family = snake(namespace) + "_" + snake(name) + (counter ? "_total" : unitSuffix(unit));
                    Total total = totals.computeIfAbsent(new Series(family, counter ? "counter" : "summary", labels),
                            s -> new Total());
                    JsonNode values = document.path(name);
                    for (JsonNode v : values.isArray() ? values : List.of(values)) {
                        if (v.isNumber()) {
                            total.sum += v.asDouble();
                            total.count++;
                        }
                    }
                }
            }
        }
        return true;
    }

    /** Every series, each family introduced by its TYPE line. */
    public synchronized String render() {
        StringBuilder out = new StringBuilder();
        String family = null;
        for (Map.Entry<Series, Total> e : totals.entrySet()) {
            Series s = e.getKey();
            if (!s.family().equals(family)) {
                family = s.family();
                out.append("# TYPE ").append(family).append(' ').append(s.type()).append('\n');
            }
            if (s.type().equals("counter")) {
                line(out, family, s.labels(), e.getValue().sum);
            } else {
                line(out, family + "_sum", s.labels(), e.getValue().sum);
                line(out, family + "_count", s.labels(), e.getValue().count);
            }
        }
        return out.toString();
    }

    private static void line(StringBuilder out, String name, SortedMap<String, String> labels, double value) {
        out.append(name);
        if (!labels.isEmpty()) {
            List<String> pairs = new ArrayList<>();
            labels.forEach((k, v) -> pairs.add(k + "=\"" + v.replace("\\", "\\\\").replace("\"", "\\\"")
                    .replace("\n", "\\n") + "\""));
            out.append('{').append(String.join(",", pairs)).append('}');
        }
        out.append(' ').append(number(value)).append('\n');
    }

    private static String number(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value)
                : Double.toString(value);
    }

    /** JobsSucceeded: jobs_succeeded; a namespace or dimension name the same way. */
    static String snake(String name) {
        String snake = name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replaceAll("([A-Z]+)([A-Z][a-z])", "$1_$2")
                .toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        return snake.isEmpty() || Character.isDigit(snake.charAt(0)) ? "_" + snake : snake;
    }

    private static String labelName(String dimension) {
        return dimension.replaceAll("[^a-zA-Z0-9_]", "_").replaceFirst("^(?=[0-9])", "_");
    }

    /** Milliseconds: _milliseconds; Bytes/Second: _bytes_per_second; None: nothing. */
    private static String unitSuffix(String unit) {
        return unit.equals("None") || unit.isEmpty() ? "" : "_" + unit.toLowerCase(Locale.ROOT).replace("/", "_per_");
    }

    private static int compare(Series a, Series b) {
        int c = a.family().compareTo(b.family());
        var x = a.labels().entrySet().iterator();
        var y = b.labels().entrySet().iterator();
        while (c == 0 && x.hasNext() && y.hasNext()) {
            Map.Entry<String, String> l = x.next();
            Map.Entry<String, String> r = y.next();
            c = l.getKey().compareTo(r.getKey());
            c = c != 0 ? c : l.getValue().compareTo(r.getValue());
        }
        return c != 0 ? c : Boolean.compare(x.hasNext(), y.hasNext());
    }
}
