package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.json.Json;
import dev.sluice.local.Endpoints;
import dev.sluice.local.LocalRuntime;
import dev.sluice.local.logs.LogFiles;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * {@code sluice up} as its own process: ready, a function's failure shown as one line on the console (its
 * record in DIR/logs), then a clean stop on SIGTERM, as a user or a supervisor stops it.
 */
class UpProcessTest {

    @TempDir
    Path state;
    @TempDir
    Path scratch;

    @Test
    void upShowsOneLinePerFailureNoLogLinesAndStopsCleanlyOnSigterm() throws Exception {
        List<String> output = new ArrayList<>();
        String summary;
        Path console = scratch.resolve("stderr.txt");
        Process up = start(console, "up", "--dir", state.toString());
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(up.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null && !line.equals("Ctrl-C to stop.")) {
                output.add(line);
            }
            assertThat(line).as("ready line; output so far: %s", output).isNotNull();
            JsonNode endpoints = Json.parse(Files.readString(state.resolve("endpoints.json")));
            assertThat(endpoints.get("events").asText()).startsWith("http://127.0.0.1:");
            String metrics = endpoints.get("metrics").asText();
            assertThat(metrics).startsWith("http://127.0.0.1:").endsWith("/metrics");
            assertThat(output).as("the metrics URL is printed").anyMatch(l -> l.startsWith("  metrics ")
                    && l.contains(metrics));

            // A message that is no job: the analytics worker logs an ERROR and moves it to the DLQ.
            Endpoints local = Endpoints.read(state);
            try (SqsClient sqs = LocalRuntime.client(SqsClient.builder(), local.sqs(), local.region())) {
                String queue = sqs.getQueueUrl(b -> b.queueName("analytics")).queueUrl();
                sqs.sendMessage(b -> b.queueUrl(queue).messageBody("this is not json"));
            }
            summary = awaitLine(console, l -> l.startsWith("analytics-worker: message moved to the DLQ"));
            assertThat(summary).contains("messageId=", "deadLetterQueue=analytics-dlq",
                    "see " + LogFiles.file(state, "analytics-worker") + ")");
            awaitLine(LogFiles.file(state, "analytics-worker"), l -> l.contains("\"message moved to the DLQ"));

            up.toHandle().destroy(); // SIGTERM, leaving our end of its output open (Process.destroy closes it)
            assertThat(up.waitFor(30, TimeUnit.SECONDS)).as("stopped within 30 s").isTrue();
            List<String> rest = lines.lines().toList();
            assertThat(rest).contains("Sluice local runtime stopped.");
            output.addAll(rest);
        }
        assertThat(state.resolve("endpoints.json")).doesNotExist();
        assertThat(output.get(0)).startsWith("Sluice local runtime is up in ");
        assertThat(output).as("no log line on stdout").noneMatch(l -> l.startsWith("{"));
        assertThat(Files.readAllLines(console)).as("on stderr, the one-line summary and no log line (the JVM's own"
                + " warnings aside)").filteredOn(l -> !l.startsWith("WARNING:")).containsExactly(summary);
    }

    /** The first line of {@code file} that matches, once the process has written it. */
    private static String awaitLine(Path file, Predicate<String> wanted) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            List<String> lines = Files.exists(file) ? Files.readAllLines(file) : List.of();
            for (String l : lines) {
                if (wanted.test(l)) {
                    return l;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no such line in " + file + " within 30 s: "
                + (Files.exists(file) ? Files.readString(file) : "no file"));
    }

    private static Process start(Path stderr, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--enable-native-access") || a.startsWith("-XX:")).toList());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Sluice.class.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(stderr.toFile()).start();
    }
}
