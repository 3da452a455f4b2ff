package dev.sluice.workers.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The real OpenSearch node of scripts/opensearch-node.sh, for tests: one already running is reused,
 * otherwise one is started and stopped when the test JVM exits. Starting may first assemble the node
 * from Maven artifacts, hence the long timeout. It never skips: no node is a failure. Shared by the
 * modules whose tests need the node (the OpenSearch adapter, the search index custom resource).
 */
public final class OpenSearchNode {

    private static final long START_MINUTES = 15;

    private static URI url;

    private OpenSearchNode() {
    }

    public static synchronized URI url() {
        if (url == null) {
            Path script = script();
            Result status = run(script, "status");
            if (status.exit() == 0) {
                url = URI.create(status.lastLine());
            } else {
                Result started = run(script, "start");
                if (started.exit() != 0) {
                    throw new IllegalStateException("scripts/opensearch-node.sh start failed (exit " + started.exit()
                            + "):\n" + started.tail());
                }
                url = URI.create(started.lastLine());
                Runtime.getRuntime().addShutdownHook(new Thread(() -> run(script, "stop")));
            }
        }
        return url;
    }

    /** The node's JSON answer to {@code GET path}, which must be 200. */
    public static JsonNode get(String path) throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(url().resolve(path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET " + path + ": HTTP " + response.statusCode() + " "
                        + response.body());
            }
            return Json.parse(response.body());
        }
    }

    private record Result(int exit, String output) {

        String lastLine() {
            String[] lines = output.strip().split("\n");
            return lines[lines.length - 1].strip();
        }

        String tail() {
            String[] lines = output.split("\n");
            return String.join("\n", Arrays.copyOfRange(lines, Math.max(0, lines.length - 60), lines.length));
        }
    }

    /** Surefire runs in the module directory; the script is in the project's. */
    private static Path script() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("scripts/opensearch-node.sh");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("scripts/opensearch-node.sh not found above " + Path.of("").toAbsolutePath());
    }

    private static Result run(Path script, String command) {
        try {
            Path log = Files.createTempFile("opensearch-node-", ".log");
            Process process = new ProcessBuilder("bash", script.toString(), command).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            boolean exited = process.waitFor(START_MINUTES, TimeUnit.MINUTES);
            if (!exited) {
                process.destroyForcibly();
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            Files.delete(log);
            return exited ? new Result(process.exitValue(), output) : new Result(-1, output + "\n(timed out)");
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }
}
