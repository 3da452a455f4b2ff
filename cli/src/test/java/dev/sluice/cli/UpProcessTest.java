package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.json.Json;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sluice up} as its own process: ready, then a clean stop on SIGTERM, as a user or a supervisor stops it. */
class UpProcessTest {

    @TempDir
    Path state;

    @Test
    void upWritesItsEndpointsAndStopsCleanlyOnSigterm() throws Exception {
        List<String> output = new ArrayList<>();
        Process up = start("up", "--dir", state.toString());
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(up.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null && !line.equals("Ctrl-C to stop.")) {
                output.add(line);
            }
            assertThat(line).as("ready line; output so far: %s", output).isNotNull();
            JsonNode endpoints = Json.parse(Files.readString(state.resolve("endpoints.json")));
            assertThat(endpoints.get("events").asText()).startsWith("http://127.0.0.1:");

            up.toHandle().destroy(); // SIGTERM, leaving our end of its output open (Process.destroy closes it)
            assertThat(up.waitFor(30, TimeUnit.SECONDS)).as("stopped within 30 s").isTrue();
            List<String> rest = lines.lines().toList();
            assertThat(rest).contains("Sluice local runtime stopped.");
        }
        assertThat(state.resolve("endpoints.json")).doesNotExist();
        assertThat(output.get(0)).startsWith("Sluice local runtime is up in ");
    }

    private static Process start(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--enable-native-access") || a.startsWith("-XX:")).toList());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Sluice.class.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }
}
