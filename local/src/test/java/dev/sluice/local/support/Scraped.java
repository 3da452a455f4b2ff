package dev.sluice.local.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.aws.FunctionEnvironment;
import dev.sluice.local.metrics.LocalMetrics;
import dev.sluice.workers.metrics.Metrics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** Metrics as the local runtime collects them, for handlers built outside it and for reading them back. */
public final class Scraped {

    private Scraped() {
    }

    /** The metrics {@code function}'s handler writes when the runtime builds it: to {@code agent}. */
    public static Metrics metricsOf(String function, LocalMetrics agent) throws Exception {
        return builtFor(function, agent, Metrics::fromEnvironment);
    }

    /** Something a handler builds from its environment, built as the runtime's {@code function} would build it. */
    public static <T> T builtFor(String function, LocalMetrics agent, Callable<T> init) throws Exception {
        return FunctionEnvironment.with(Map.of("AWS_LAMBDA_FUNCTION_NAME", function,
                "AWS_EMF_ENVIRONMENT", "Agent", "AWS_EMF_AGENT_ENDPOINT", agent.agentEndpoint().toString()), init);
    }

    /** Each sample of the Prometheus text at {@code url}, by series (name and labels as written). */
    public static Map<String, Double> scrape(URI url) {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(url).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
            Map<String, Double> series = new HashMap<>();
            response.body().lines().filter(l -> !l.startsWith("#") && !l.isBlank()).forEach(l -> {
                int space = l.lastIndexOf(' ');
                series.put(l.substring(0, space), Double.parseDouble(l.substring(space + 1)));
            });
            return series;
        } catch (Exception e) {
            throw new IllegalStateException("scraping " + url + ": " + e, e);
        }
    }
}
