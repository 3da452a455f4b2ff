package dev.sluice.local.logs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** Which file under DIR/logs a record lands in, and that nothing lands there once the runtime is gone. */
class LogFilesTest {

    @TempDir
    Path state;

    @Test
    void aFunctionsLinesGoToItsFileAndTheServicesToTheRuntimeFile() throws Exception {
        try (LogFiles files = LogFiles.open(state)) {
            try (var f = MDC.putCloseable(LogFiles.FUNCTION_KEY, "notifier")) {
                LoggerFactory.getLogger("dev.sluice.workers.notify.Notifier").atInfo().addKeyValue("jobId", "job-1")
                        .log("pushed job.completed");
            }
            System.getLogger("dev.sluice.local.events.TargetDelivery").log(System.Logger.Level.WARNING,
                    "event for rule {0} sent to DLQ", "jobs-ai");
        }

        JsonNode notifier = only(LogFiles.file(state, "notifier"));
        assertThat(notifier.get("message").asText()).isEqualTo("pushed job.completed");
        assertThat(notifier.get("function").asText()).isEqualTo("notifier");
        assertThat(notifier.get("jobId").asText()).isEqualTo("job-1");
        JsonNode service = only(LogFiles.file(state, LogFiles.RUNTIME));
        assertThat(service.get("message").asText()).isEqualTo("event for rule jobs-ai sent to DLQ");
        assertThat(service.get("level").asText()).isEqualTo("WARN");
        assertThat(service.get("logger").asText()).isEqualTo("dev.sluice.local.events.TargetDelivery");
    }

    @Test
    void nothingIsFiledOnceClosedAndNoNameLeavesTheDirectory() throws Exception {
        try (LogFiles files = LogFiles.open(state)) {
            try (var f = MDC.putCloseable(LogFiles.FUNCTION_KEY, "../escape")) {
                LoggerFactory.getLogger("test").info("inside");
            }
        }
        LoggerFactory.getLogger("test").info("after close");

        assertThat(LogFiles.file(state, "../escape")).hasParent(LogFiles.directory(state));
        try (var listing = Files.list(LogFiles.directory(state))) {
            List<Path> files = listing.toList();
            assertThat(files).hasSize(1);
            assertThat(Files.readString(files.get(0))).contains("inside").doesNotContain("after close");
        }
        assertThat(state.resolve("escape.jsonl")).doesNotExist();
    }

    private static JsonNode only(Path file) throws Exception {
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(1);
        return Json.parse(lines.get(0));
    }
}
