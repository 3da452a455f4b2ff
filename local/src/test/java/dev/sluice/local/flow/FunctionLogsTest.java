package dev.sluice.local.flow;

import static dev.sluice.local.flow.FlowFixture.aiRequest;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.client.SluiceClient;
import dev.sluice.core.json.Json;
import dev.sluice.local.logs.LogFiles;
import dev.sluice.local.support.Await;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A function's lines in the local runtime: its own JSON-lines file under DIR/logs, never the console. */
class FunctionLogsTest {

    @TempDir
    Path state;

    @Test
    void aFailedAttemptIsAJsonLineInTheFunctionsFileAndNothingOfItOnTheConsole() throws Exception {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        PrintStream realOut = System.out;
        PrintStream realErr = System.err;
        PrintStream captured = new PrintStream(console, true, StandardCharsets.UTF_8);
        System.setOut(captured);
        System.setErr(captured);
        String jobId;
        JsonNode line;
        try (FlowFixture flow = FlowFixture.start(FlowFixture.withAiHandler(FlakyAiWorker.class), state);
                SluiceClient dev = flow.devClient()) {
            jobId = dev.submit(aiRequest("fail-times:1"), null).body().get("jobId").asText();
            Path file = LogFiles.file(state, "ai-worker");
            Await.until("the failed attempt in " + file, Duration.ofSeconds(30),
                    () -> failedAttempt(file, jobId).isPresent());
            line = failedAttempt(file, jobId).orElseThrow();
        } finally {
            System.setOut(realOut);
            System.setErr(realErr);
        }

        assertThat(line.get("level").asText()).isEqualTo("ERROR");
        assertThat(line.get("message").asText())
                .isEqualTo("job attempt failed: java.lang.IllegalStateException: model unavailable (attempt 1)");
        assertThat(line.get("function").asText()).isEqualTo("ai-worker");
        assertThat(line.get("requestId").asText()).isNotBlank();
        assertThat(line.get("tenantId").asText()).isEqualTo("dev");
        assertThat(line.get("messageId").asText()).isNotBlank();
        assertThat(line.get("receiveCount").asText()).isEqualTo("1");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(LogFiles.directory(state))))
                .isEqualTo("rwx------");
        String printed = console.toString(StandardCharsets.UTF_8);
        assertThat(printed).doesNotContain(jobId);
        assertThat(printed.lines()).noneMatch(l -> l.startsWith("{"));
    }

    private static Optional<JsonNode> failedAttempt(Path file, String jobId) {
        return lines(file).stream().filter(l -> l.endsWith("}")) // not a line still being written
                .map(Json::parse)
                .filter(l -> jobId.equals(l.path("jobId").asText()))
                .filter(l -> l.path("message").asText().startsWith("job attempt failed"))
                .findFirst();
    }

    private static List<String> lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
