package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.workers.logging.LogContext;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Which records the console of {@code up} and {@code demo} shows, and how. */
class FailureSummaryTest {

    private static final Logger WORKER = LoggerFactory.getLogger("dev.sluice.workers.jobs.JobQueueWorker");
    private static final Logger BATCH = LoggerFactory.getLogger("dev.sluice.workers.batch.SqsBatchProcessor");

    private final StringWriter console = new StringWriter();

    @Test
    void oneLinePerFailedMessageAndNothingElse() {
        try (FailureSummary summary = FailureSummary.attach(new PrintWriter(console), Path.of(".sluice"))) {
            try (LogContext invocation = LogContext.invocation("ai-worker", "req-1", null);
                    LogContext job = LogContext.job("acme", "job-1", "corr-1")) {
                WORKER.info("job SUCCEEDED");
            }
            try (LogContext invocation = LogContext.invocation("ai-worker", "req-2", null);
                    LogContext message = LogContext.with(Map.of(LogContext.MESSAGE_ID, "m-2"))) {
                try (LogContext job = LogContext.job("acme", "job-2", "corr-2")) {
                    WORKER.atError().setMessage("job attempt failed: java.lang.IllegalStateException: model"
                            + " unavailable\n\tat Worker.run").addKeyValue("receiveCount", 1).log();
                }
                // The batch processor reports the same message again: already shown.
                BATCH.error("message failed; reported as a batch item failure");
            }
            LoggerFactory.getLogger("org.apache.pdfbox.pdmodel.font.PDType1Font").warn("Using fallback font");
            LoggerFactory.getLogger("dev.sluice.local.events.TargetDelivery").warn("event for rule r sent to DLQ d");

            assertThat(summary.shown()).isEqualTo(2);
        }
        try (LogContext invocation = LogContext.invocation("ai-worker", "req-3", null)) {
            WORKER.error("after the command");
        }

        assertThat(console.toString().lines()).containsExactly(
                "ai-worker: job attempt failed: java.lang.IllegalStateException: model unavailable"
                        + " (jobId=job-2, messageId=m-2, receiveCount=1, see "
                        + Path.of(".sluice/logs/ai-worker.jsonl") + ")",
                "runtime: event for rule r sent to DLQ d (see " + Path.of(".sluice/logs/runtime.jsonl") + ")");
    }
}
