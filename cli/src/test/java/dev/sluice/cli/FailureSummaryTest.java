package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.workers.logging.JsonLog;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Which records the console of {@code up} and {@code demo} shows, and how. */
class FailureSummaryTest {

    private final StringWriter console = new StringWriter();
    private final JsonLog log = new JsonLog();

    @Test
    void oneLinePerFailedMessageAndNothingElse() {
        try (FailureSummary summary = FailureSummary.attach(new PrintWriter(console), Path.of(".sluice"))) {
            log.info("job SUCCEEDED", "ai-worker", "req-1", Map.of("jobId", "job-1"));
            log.error("job attempt failed: java.lang.IllegalStateException: model unavailable\n\tat Worker.run",
                    "ai-worker", "req-2", new TreeMap<>(Map.of("jobId", "job-2", "messageId", "m-2")));
            // The batch processor reports the same message again: already shown.
            log.error("message failed; reported as a batch item failure", "ai-worker", "req-2",
                    Map.of("messageId", "m-2"));
            LoggerFactory.getLogger("org.apache.pdfbox.pdmodel.font.PDType1Font").warn("Using fallback font");
            LoggerFactory.getLogger("dev.sluice.local.events.TargetDelivery").warn("event for rule r sent to DLQ d");

            assertThat(summary.shown()).isEqualTo(2);
        }
        log.error("after the command", "ai-worker", "req-3", Map.of());

        assertThat(console.toString().lines()).containsExactly(
                "ai-worker: job attempt failed: java.lang.IllegalStateException: model unavailable"
                        + " (jobId=job-2, messageId=m-2, see " + Path.of(".sluice/logs/ai-worker.jsonl") + ")",
                "runtime: event for rule r sent to DLQ d (see " + Path.of(".sluice/logs/runtime.jsonl") + ")");
    }
}
