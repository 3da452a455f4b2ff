package dev.sluice.local.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.json.Json;
import dev.sluice.local.logs.LogFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code context.getLogger()} writes to the function's file, as Lambda writes it to the function's log group. */
class FunctionLoggerTest {

    @TempDir
    Path state;

    @Test
    void aLineFromTheContextsLoggerLandsInTheFunctionsFile() throws Exception {
        LocalContext context = new LocalContext("req-7", "email-worker", "arn:aws:lambda:::function:email-worker",
                256, System.nanoTime());
        try (LogFiles files = LogFiles.open(state)) {
            context.getLogger().log("template cache warmed", LogLevel.WARN);
        }

        JsonNode line = Json.parse(Files.readAllLines(LogFiles.file(state, "email-worker")).get(0));
        assertThat(line.get("message").asText()).isEqualTo("template cache warmed");
        assertThat(line.get("level").asText()).isEqualTo("WARN");
        assertThat(line.get("function").asText()).isEqualTo("email-worker");
        assertThat(line.get("requestId").asText()).isEqualTo("req-7");
    }
}
