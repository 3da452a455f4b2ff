package dev.sluice.local.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.json.Json;
import org.junit.jupiter.api.Test;

class PrometheusMetricsTest {

    private final PrometheusMetrics metrics = new PrometheusMetrics();

    private void add(String emf) {
        assertThat(metrics.add(Json.parse(emf))).isTrue();
    }

    @Test
    void countsAreCountersAndMillisecondsASummaryOfSumAndCountLabelledByTheirDimensions() {
        add("""
                {"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"Sluice","Dimensions":[["type"]],
                "Metrics":[{"Name":"JobsSucceeded","Unit":"Count"},{"Name":"JobLatency","Unit":"Milliseconds"}]}]},
                "type":"email.send","jobId":"j-1","JobsSucceeded":1,"JobLatency":120}""");
        add("""
                {"_aws":{"Timestamp":2,"CloudWatchMetrics":[{"Namespace":"Sluice","Dimensions":[["type"]],
                "Metrics":[{"Name":"JobsSucceeded","Unit":"Count"},{"Name":"JobLatency","Unit":"Milliseconds"}]}]},
                "type":"email.send","jobId":"j-2","JobsSucceeded":1,"JobLatency":[30.5,49.5]}""");
        add("""
                {"_aws":{"Timestamp":3,"CloudWatchMetrics":[{"Namespace":"Sluice","Dimensions":[["type","reason"]],
                "Metrics":[{"Name":"JobsFailed","Unit":"Count"}]}]},
                "type":"ai.request","reason":"model \\"said\\" no","JobsFailed":1}""");
        add("""
                {"_aws":{"Timestamp":4,"CloudWatchMetrics":[{"Namespace":"Sluice","Dimensions":[[]],
                "Metrics":[{"Name":"IngestChunks","Unit":"Count"}]}]},"IngestChunks":12}""");
        add("""
                {"_aws":{"Timestamp":5,"CloudWatchMetrics":[{"Namespace":"Sluice","Dimensions":[["queue"]],
                "Metrics":[{"Name":"DlqReplayed","Unit":"Count"}]}]},"queue":"email-dlq","DlqReplayed":42}""");

        assertThat(metrics.render()).isEqualTo("""
                # TYPE sluice_dlq_replayed_total counter
                sluice_dlq_replayed_total{queue="email-dlq"} 42
                # TYPE sluice_ingest_chunks_total counter
                sluice_ingest_chunks_total 12
                # TYPE sluice_job_latency_milliseconds summary
                sluice_job_latency_milliseconds_sum{type="email.send"} 200
                sluice_job_latency_milliseconds_count{type="email.send"} 3
                # TYPE sluice_jobs_failed_total counter
                sluice_jobs_failed_total{reason="model \\"said\\" no",type="ai.request"} 1
                # TYPE sluice_jobs_succeeded_total counter
                sluice_jobs_succeeded_total{type="email.send"} 2
                """);
    }

    @Test
    void eachDimensionSetOfADirectiveIsASeriesOfItsOwn() {
        add("""
                {"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"Sluice","Dimensions":[["queue"],[]],
                "Metrics":[{"Name":"QueueAge","Unit":"Milliseconds"}]}]},"queue":"email","QueueAge":[5,7]}""");

        assertThat(metrics.render()).isEqualTo("""
                # TYPE sluice_queue_age_milliseconds summary
                sluice_queue_age_milliseconds_sum 12
                sluice_queue_age_milliseconds_count 2
                sluice_queue_age_milliseconds_sum{queue="email"} 12
                sluice_queue_age_milliseconds_count{queue="email"} 2
                """);
    }

    @Test
    void aLineThatIsNoEmfDocumentAddsNothing() {
        assertThat(metrics.add(Json.parse("{\"message\":\"a log line\"}"))).isFalse();
        assertThat(metrics.render()).isEmpty();
    }

    @Test
    void namesBecomeSnakeCase() {
        assertThat(PrometheusMetrics.snake("JobsSucceeded")).isEqualTo("jobs_succeeded");
        assertThat(PrometheusMetrics.snake("CostUsd")).isEqualTo("cost_usd");
        assertThat(PrometheusMetrics.snake("DLQReplayed")).isEqualTo("dlq_replayed");
        assertThat(PrometheusMetrics.snake("Sluice")).isEqualTo("sluice");
    }
}
