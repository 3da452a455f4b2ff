package dev.sluice.local.flow;

import static dev.sluice.local.flow.FlowFixture.awaitFinished;
import static dev.sluice.local.flow.FlowFixture.email;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.client.SluiceClient;
import dev.sluice.core.documents.DocumentIds;
import dev.sluice.local.support.Await;
import dev.sluice.local.support.Clients;
import dev.sluice.local.support.Scraped;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The functions' EMF documents reach the runtime (the CloudWatch agent's part) and add up at
 * {@code /metrics} to exactly what happened: one job succeeded, one failed, one document READY.
 */
class MetricsFlowTest {

    @TempDir
    Path state;

    @Test
    void aSucceededAFailedJobAndAReadyDocumentMoveTheCountersByExactlyThat() throws Exception {
        PrintStream stdout = System.out;
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        System.setOut(new PrintStream(new TeeStream(stdout, console), true, StandardCharsets.UTF_8));
        try (FlowFixture flow = FlowFixture.start(state); SluiceClient dev = flow.devClient();
                S3Client s3 = Clients.s3(flow.runtime.endpoints())) {
            URI url = flow.runtime.endpoints().metrics();
            assertThat(url.toString()).startsWith("http://127.0.0.1:").endsWith("/metrics");

            long submitted = System.currentTimeMillis();
            String succeeded = dev.submit(email("welcome"), null).body().get("jobId").asText();
            String failed = dev.submit(email("no-such-template"), null).body().get("jobId").asText();
            assertThat(awaitFinished(dev, succeeded).get("status").asText()).isEqualTo("SUCCEEDED");
            JsonNode failedJob = awaitFinished(dev, failed);
            assertThat(failedJob.get("status").asText()).isEqualTo("FAILED");
            assertThat(failedJob.at("/error/code").asText()).isEqualTo("unknown_template");
            long bothFinished = System.currentTimeMillis();
            String key = "dev/metrics/notes.txt";
            s3.putObject(b -> b.bucket("sluice-documents").key(key), RequestBody.fromBytes(
                    "Metrics are counted where the work is done.".getBytes(StandardCharsets.UTF_8)));
            JsonNode document = DocumentFlowTest.await(dev, DocumentIds.of("sluice-documents", key),
                    r -> r.path("status").asText().matches("READY|FAILED"));
            assertThat(document.get("status").asText()).as(document.toString()).isEqualTo("READY");
            int chunks = document.get("chunks").asInt();

            Map<String, Double> expected = new HashMap<>();
            expected.put("sluice_jobs_submitted_total{type=\"email.send\"}", 2.0);
            expected.put("sluice_jobs_succeeded_total{type=\"email.send\"}", 1.0);
            expected.put("sluice_jobs_failed_total{reason=\"unknown_template\",type=\"email.send\"}", 1.0);
            expected.put("sluice_job_latency_milliseconds_count{type=\"email.send\"}", 2.0);
            expected.put("sluice_queue_age_milliseconds_count{queue=\"email\"}", 2.0);
            expected.put("sluice_queue_age_milliseconds_count{queue=\"documents\"}", 1.0);
            expected.put("sluice_documents_ready_total", 1.0);
            expected.put("sluice_ingest_chunks_total", (double) chunks);
            // The documents arrive over TCP after each invocation: wait until every series is there.
            AtomicReference<Map<String, Double>> scraped = new AtomicReference<>(Map.of());
            try {
                Await.until("the metrics of two jobs and a document", Duration.ofSeconds(20), () -> {
                    scraped.set(Scraped.scrape(url));
                    return expected.keySet().stream().allMatch(scraped.get()::containsKey)
                            && expected.entrySet().stream().allMatch(e -> scraped.get().get(e.getKey()) >= e.getValue());
                });
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; /metrics had " + scraped.get(), e);
            }
            Map<String, Double> metrics = scraped.get();
            expected.forEach((series, value) -> assertThat(metrics.get(series)).as(series).isEqualTo(value));
            assertThat(metrics.keySet()).as("nothing failed but the one job, and no document")
                    .filteredOn(series -> series.startsWith("sluice_jobs_failed_total")
                            || series.startsWith("sluice_documents_failed_total"))
                    .containsExactly("sluice_jobs_failed_total{reason=\"unknown_template\",type=\"email.send\"}");
            assertThat(metrics.get("sluice_job_latency_milliseconds_sum{type=\"email.send\"}"))
                    .isBetween(0.0, 2.0 * (bothFinished - submitted));
        } finally {
            System.setOut(stdout);
        }
        assertThat(console.toString(StandardCharsets.UTF_8)).as("no EMF document on the console")
                .doesNotContain("CloudWatchMetrics");
    }

    /** Writes to both: the console keeps its output while the test reads it. */
    private static final class TeeStream extends java.io.OutputStream {

        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int x) throws java.io.IOException {
            a.write(x);
            b.write(x);
        }

        @Override
        public void write(byte[] bytes, int off, int len) throws java.io.IOException {
            a.write(bytes, off, len);
            b.write(bytes, off, len);
        }
    }
}
