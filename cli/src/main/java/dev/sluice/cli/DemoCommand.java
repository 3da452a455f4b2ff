package dev.sluice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.json.Json;
import dev.sluice.core.topology.Definitions;
import dev.sluice.core.topology.FunctionSpec;
import dev.sluice.core.topology.RuleSpec;
import dev.sluice.core.topology.Topology;
import dev.sluice.local.Endpoints;
import dev.sluice.local.LocalRuntime;
import dev.sluice.local.events.EventArchive;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Starts the stack, puts one "Job Submitted" event per lane with the stock EventBridge client and
 * follows each through its rule and queue to the worker that takes it; then uploads a document and
 * finds S3's "Object Created" event on the default bus. Exits 0 only when every step was seen.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start the stack, send one job down every lane and an upload through S3, and show each arrive.")
final class DemoCommand implements Callable<Integer> {

    private static final long PATIENCE_SECONDS = 30;
    private static final StaticCredentialsProvider ANY_CREDENTIALS = StaticCredentialsProvider.create(
            AwsBasicCredentials.create("local", "local"));

    @Spec
    CommandSpec spec;

    @Option(names = "--dir", description = "State directory (default: a fresh temporary one, removed afterwards).")
    Path dir;

    /** jobId → the function that took it and when. */
    private record Arrival(String function, long nanos, boolean accepted) {
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Definitions definitions = Launch.load(null, err);
        if (definitions == null) {
            return Sluice.INVALID_DEFINITIONS;
        }
        Path state = dir != null ? dir : Files.createTempDirectory("sluice-demo-");
        try {
            long start = System.nanoTime();
            try (LocalRuntime runtime = LocalRuntime.start(definitions.topology(), state,
                    LocalRuntime.Options.defaults())) {
                out.println(Launch.summary(runtime, (System.nanoTime() - start) / 1_000_000));
                out.println();
                boolean jobs = jobsReachTheirWorkers(runtime, definitions.sampleEvents(), out);
                boolean upload = uploadReachesTheBus(runtime, out);
                out.println();
                out.println(jobs && upload ? "Demo passed: every event reached its destination."
                        : "Demo FAILED: see the lines marked MISSING above.");
                out.flush();
                return jobs && upload ? 0 : 1;
            }
        } finally {
            if (dir == null) {
                deleteRecursively(state);
            }
        }
    }

    private boolean jobsReachTheirWorkers(LocalRuntime runtime, Map<String, JsonNode> samples, PrintWriter out)
            throws InterruptedException {
        Map<String, Arrival> arrivals = new ConcurrentHashMap<>();
        runtime.lambda().addListener((function, payload, response, error) -> {
            long now = System.nanoTime();
            JsonNode event = Json.parse(new String(payload, StandardCharsets.UTF_8));
            boolean accepted = error == null && response != null
                    && Json.parse(new String(response, StandardCharsets.UTF_8)).path("batchItemFailures").isEmpty();
            for (JsonNode record : event.path("Records")) {
                String jobId = Json.parse(record.get("body").asText()).path("detail").path("jobId").asText();
                arrivals.putIfAbsent(jobId, new Arrival(function, now, accepted));
            }
        });
        Map<String, JsonNode> jobs = new LinkedHashMap<>();
        samples.forEach((file, event) -> {
            if (event.get("detail-type").asText().equals("Job Submitted")) {
                jobs.put(event.get("detail").get("jobId").asText(), event);
            }
        });
        out.println("Putting " + jobs.size() + " \"Job Submitted\" events on bus sluice-jobs with the AWS SDK:");
        Map<String, Long> sentAt = new LinkedHashMap<>();
        try (EventBridgeClient events = EventBridgeClient.builder().endpointOverride(runtime.endpoints().events())
                .region(Region.of(runtime.endpoints().region())).credentialsProvider(ANY_CREDENTIALS).build()) {
            for (var job : jobs.entrySet()) {
                JsonNode e = job.getValue();
                sentAt.put(job.getKey(), System.nanoTime());
                var response = events.putEvents(b -> b.entries(PutEventsRequestEntry.builder()
                        .eventBusName("sluice-jobs").source(e.get("source").asText())
                        .detailType(e.get("detail-type").asText()).detail(Json.write(e.get("detail"))).build()));
                if (response.failedEntryCount() > 0) {
                    out.println("  PutEvents refused " + job.getKey() + ": " + response.entries().get(0).errorMessage());
                }
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PATIENCE_SECONDS);
        while (!arrivals.keySet().containsAll(jobs.keySet()) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        boolean all = true;
        for (var job : jobs.entrySet()) {
            JsonNode detail = job.getValue().get("detail");
            String lane = detail.get("type").asText() + " (" + detail.get("priority").asText() + ")";
            Arrival a = arrivals.get(job.getKey());
            if (a == null) {
                out.printf("  MISSING  %-24s %s never reached a worker%n", lane, job.getKey());
                all = false;
                continue;
            }
            FunctionSpec function = runtime.topology().function(a.function()).orElseThrow();
            String queue = function.sqsTrigger().queue();
            String rule = runtime.topology().rules().stream()
                    .filter(r -> r.targets().stream().anyMatch(t -> t.resource().equals(queue)))
                    .map(RuleSpec::name).findFirst().orElse("?");
            out.printf("  %-8s %-24s rule %-15s -> queue %-17s -> %-16s %4d ms%n", a.accepted() ? "ok" : "REJECTED",
                    lane, rule, queue, a.function(), (a.nanos() - sentAt.get(job.getKey())) / 1_000_000);
            all &= a.accepted();
        }
        return all;
    }

    private boolean uploadReachesTheBus(LocalRuntime runtime, PrintWriter out) throws InterruptedException {
        String bucket = runtime.topology().buckets().stream().filter(b -> b.eventBridge()).findFirst()
                .orElseThrow().name();
        String key = "demo-tenant/hello-" + System.currentTimeMillis() + ".md";
        out.println();
        out.println("Uploading s3://" + bucket + "/" + key + " with the AWS SDK:");
        Endpoints e = runtime.endpoints();
        try (S3Client s3 = S3Client.builder().endpointOverride(e.s3()).region(Region.of(e.region()))
                .credentialsProvider(ANY_CREDENTIALS).forcePathStyle(true).build()) {
            s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString("# Hello\n\nFrom the Sluice demo.\n"));
        }
        EventArchive archive = new EventArchive(runtime.stateDir().resolve("events").resolve("archive"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PATIENCE_SECONDS);
        while (System.nanoTime() < deadline) {
            for (String line : archive.events(Topology.DEFAULT_BUS)) {
                JsonNode event = Json.parse(line);
                if (event.path("detail").path("object").path("key").asText().equals(key)) {
                    out.printf("  ok       \"%s\" from %s on the default bus, %d bytes, reason %s%n",
                            event.get("detail-type").asText(), event.get("source").asText(),
                            event.get("detail").get("object").get("size").asLong(),
                            event.get("detail").get("reason").asText());
                    return true;
                }
            }
            Thread.sleep(50);
        }
        out.println("  MISSING  no \"Object Created\" event for " + key);
        return false;
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
