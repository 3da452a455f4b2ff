package dev.sluice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.client.ApiResponse;
import dev.sluice.core.client.PushStream;
import dev.sluice.core.client.SluiceClient;
import dev.sluice.core.json.Json;
import dev.sluice.core.topology.Definitions;
import dev.sluice.local.Endpoints;
import dev.sluice.local.LocalRuntime;
import dev.sluice.workers.ai.OfflineChatModel;
import dev.sluice.workers.email.OutboxMailer;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The first thing a user does: start the stack, connect a WebSocket, submit one job of each type
 * through the API and watch the three results pushed back, then show the analytics they counted and
 * the e-mail in the local outbox; then upload a document through an upload URL, watch its
 * ingestion's progress pushed back, and search it. Exits 0 only when all of that arrived.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start the stack, submit one job of each type and show each result pushed back, then ingest"
                + " a document and search it.")
final class DemoCommand implements Callable<Integer> {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String TOOL = "demo-tool";

    @Spec
    CommandSpec spec;

    @Option(names = "--dir", description = "State directory (default: a fresh temporary one, removed afterwards).")
    Path dir;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Definitions definitions = Launch.load(null, spec.commandLine().getErr());
        if (definitions == null) {
            return Sluice.INVALID_DEFINITIONS;
        }
        Path state = dir != null ? dir : Files.createTempDirectory("sluice-demo-");
        try (FailureSummary failures = FailureSummary.attach(spec.commandLine().getErr(), state)) {
            long start = System.nanoTime();
            try (LocalRuntime runtime = LocalRuntime.start(definitions.topology(), state,
                    LocalRuntime.Options.defaults().withBatchModel(new OfflineChatModel()))) {
                out.println(Launch.summary(runtime, (System.nanoTime() - start) / 1_000_000));
                out.println();
                boolean passed = run(runtime.endpoints(), state, out);
                out.println();
                out.println(passed ? "Demo passed: all 3 results were pushed back, and the document is searchable."
                        : "Demo FAILED: see the lines marked MISSING above.");
                if (failures.shown() > 0 && dir == null) {
                    out.println("The logs named above are removed with the demo's state; keep them with --dir.");
                }
                out.flush();
                return passed ? 0 : 1;
            }
        } finally {
            if (dir == null) {
                Directories.deleteRecursively(state);
            }
        }
    }

    private boolean run(Endpoints endpoints, Path state, PrintWriter out) throws Exception {
        long now = System.currentTimeMillis();
        Map<String, String> jobs = new LinkedHashMap<>();
        jobs.put("ai.request", "{\"type\":\"ai.request\",\"payload\":{\"sessionId\":\"s-1\",\"userId\":\"dev\","
                + "\"process\":\"magicSpark\",\"input\":\"Give me three names for a tea shop. Short ones.\","
                + "\"priority\":\"high\",\"timestamp\":" + now + "}}");
        jobs.put("analytics.event", "{\"type\":\"analytics.event\",\"payload\":{\"toolId\":\"" + TOOL + "\","
                + "\"interactionType\":\"click\",\"data\":{\"button\":\"start\"},\"timestamp\":" + now + "}}");
        jobs.put("email.send", "{\"type\":\"email.send\",\"payload\":{\"userId\":\"dev\",\"to\":\"ada@example.com\","
                + "\"templateId\":\"welcome\",\"data\":{\"name\":\"Ada\"},\"priority\":\"normal\",\"timestamp\":"
                + now + "}}");
        try (SluiceClient client = new SluiceClient(endpoints.api(), endpoints.devApiKey());
                PushStream pushes = client.connect(endpoints.webSocket())) {
            out.println("WebSocket connected to " + endpoints.webSocket() + "; submitting to " + endpoints.api()
                    + "/v1/jobs:");
            Map<String, String> typeOf = new LinkedHashMap<>();
            Map<String, Long> sentAt = new LinkedHashMap<>();
            for (var job : jobs.entrySet()) {
                long sent = System.nanoTime();
                ApiResponse response = client.submit(job.getValue(), "demo-" + job.getKey() + "-" + now);
                out.printf("  %d  %-16s job %s%n", response.status(), job.getKey(),
                        response.body() == null ? "-" : response.body().path("jobId").asText("-"));
                if (response.status() != 202) {
                    out.println("  MISSING  the API refused the job: " + response.body());
                    return false;
                }
                typeOf.put(response.body().get("jobId").asText(), job.getKey());
                sentAt.put(response.body().get("jobId").asText(), sent);
            }
            out.println();
            out.println("Pushed over the WebSocket:");
            Map<String, JsonNode> results = new LinkedHashMap<>();
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (results.size() < typeOf.size() && System.nanoTime() < deadline) {
                JsonNode push = pushes.next(m -> typeOf.containsKey(m.path("jobId").asText()),
                        Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
                if (push == null) {
                    break;
                }
                String jobId = push.get("jobId").asText();
                results.put(jobId, push);
                JsonNode outcome = push.has("result") ? push.get("result") : push.path("error");
                out.printf("  seq %-3d %-14s %-16s %5d ms  %s%n", push.path("seq").asLong(),
                        push.path("type").asText(), typeOf.get(jobId),
                        (System.nanoTime() - sentAt.get(jobId)) / 1_000_000, Json.write(outcome));
            }
            boolean all = true;
            for (var job : typeOf.entrySet()) {
                JsonNode push = results.get(job.getKey());
                if (push == null) {
                    out.println("  MISSING  no result pushed for " + job.getValue() + " job " + job.getKey());
                    all = false;
                } else if (!"job.completed".equals(push.path("type").asText())) {
                    out.println("  MISSING  " + job.getValue() + " job " + job.getKey() + " failed: " + push.get("error"));
                    all = false;
                }
            }
            out.println();
            String today = LocalDate.now(ZoneOffset.UTC).toString();
            ApiResponse analytics = client.get("/v1/analytics/tools/" + TOOL + "?from=" + today + "&to=" + today);
            out.println("GET /v1/analytics/tools/" + TOOL + ": " + analytics.status() + " " + analytics.body());
            for (JsonNode push : results.values()) {
                if (push.path("jobType").asText().equals("email.send") && push.has("result")) {
                    String messageId = push.get("result").get("messageId").asText();
                    var eml = new OutboxMailer(state.resolve("mail").resolve("outbox")).find(messageId);
                    out.println("E-mail in the local outbox: " + eml.map(Path::toString).orElse("MISSING")
                            + (dir == null ? " (removed with the demo's state; keep it with --dir)" : ""));
                    all &= eml.isPresent();
                }
            }
            out.println();
            return document(client, pushes, out) && all;
        }
    }

    /** Uploads a small handbook through {@code POST /v1/documents}, follows its ingestion and searches it. */
    private static boolean document(SluiceClient client, PushStream pushes, PrintWriter out) throws Exception {
        ApiResponse created = client.post("/v1/documents", "{\"filename\":\"handbook.md\"}");
        out.println("POST /v1/documents: " + created.status() + " documentId "
                + (created.body() == null ? "-" : created.body().path("documentId").asText("-")));
        if (created.status() != 201) {
            out.println("  MISSING  the API refused the upload: " + created.body());
            return false;
        }
        String documentId = created.body().get("documentId").asText();
        long sent = System.nanoTime();
        HttpResponse<String> put = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(created.body().get("uploadUrl").asText()))
                .header("Content-Type", created.body().get("headers").get("Content-Type").asText())
                .PUT(HttpRequest.BodyPublishers.ofString(HANDBOOK)).build(), HttpResponse.BodyHandlers.ofString());
        out.println("PUT to the upload URL: " + put.statusCode() + "; the ingestion, pushed over the WebSocket:");
        JsonNode end = null;
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (end == null && System.nanoTime() < deadline) {
            JsonNode push = pushes.next(m -> documentId.equals(m.path("documentId").asText()),
                    Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (push == null) {
                break;
            }
            long ms = (System.nanoTime() - sent) / 1_000_000;
            if (push.path("type").asText().equals("document.progress")) {
                out.printf("  %-17s %-8s %d/%d %5d ms%n", "document.progress", push.path("stage").asText(),
                        push.path("done").asLong(), push.path("total").asLong(), ms);
            } else {
                end = push;
                out.printf("  %-17s %5d ms  %s%n", push.path("type").asText(), ms,
                        push.has("error") ? push.get("error") : push.path("chunks").asInt() + " chunks");
            }
        }
        if (end == null || !"document.ready".equals(end.path("type").asText())) {
            out.println("  MISSING  the document did not become READY: " + (end == null ? "nothing pushed" : end));
            return false;
        }
        String query = "how many days of holiday do I get";
        ApiResponse found = client.get("/v1/search?k=1&q=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
        JsonNode top = found.body() == null ? null : found.body().path("results").path(0);
        if (found.status() != 200 || top == null || top.isMissingNode()) {
            out.println("  MISSING  search found nothing: " + found.status() + " " + found.body());
            return false;
        }
        out.printf("GET /v1/search?q=%s: %.3f %s %s%n  \"%s\"%n", query, top.path("score").asDouble(),
                top.path("key").asText(), top.path("headingPath"), top.path("text").asText().replaceAll("\\s+", " "));
        return true;
    }

    private static final String HANDBOOK = """
            # Handbook

            Welcome to the team.

            ## Holidays

            Everyone gets thirty days of paid holiday a year, taken in blocks of at least two days.

            ## Expenses

            Train tickets are reimbursed within a week of the receipt.
            """;
}
