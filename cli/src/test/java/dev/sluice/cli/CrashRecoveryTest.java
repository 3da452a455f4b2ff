package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.client.ApiResponse;
import dev.sluice.core.client.SluiceClient;
import dev.sluice.core.json.Json;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice up} killed with SIGKILL while 16 clients submit jobs, then started again on the same
 * directory: every job that was accepted (202) ends SUCCEEDED or FAILED, through the runtime's own
 * durability (queued messages, the bus's unfinished deliveries), well before the job sweeper's first
 * run a minute after start-up could have republished anything.
 */
class CrashRecoveryTest {

    private static final int CLIENTS = 16;
    private static final Duration SUBMITTING = Duration.ofSeconds(4);
    /**
     * Less than the minute after which the restarted runtime's job sweeper first runs; more than the
     * 45 s the AI workers' in-flight messages may take to come back (their function timeout).
     */
    private static final Duration BOUND = Duration.ofSeconds(55);

    @TempDir
    Path state;
    @TempDir
    Path logs;

    @Test
    void everyAcceptedJobEndsAfterAKillAndARestart() throws Exception {
        Process first = up("first.log");
        Set<String> accepted = ConcurrentHashMap.newKeySet();
        try {
            submitUntilKilled(first, accepted);
        } finally {
            first.toHandle().destroyForcibly();
        }
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).as("killed").isTrue();
        assertThat(accepted).as("jobs accepted before the kill").isNotEmpty();

        Process second = up("second.log");
        long restarted = System.nanoTime();
        try (SluiceClient client = client()) {
            Map<String, String> last = new TreeMap<>();
            long deadline = restarted + BOUND.toNanos();
            while (System.nanoTime() < deadline) {
                for (String jobId : accepted) {
                    if (!last.getOrDefault(jobId, "").matches("SUCCEEDED|FAILED")) {
                        ApiResponse response = client.get("/v1/jobs/" + jobId);
                        last.put(jobId, response.status() == 200 ? response.body().path("status").asText()
                                : "HTTP " + response.status());
                    }
                }
                if (last.values().stream().allMatch(s -> s.matches("SUCCEEDED|FAILED"))) {
                    break;
                }
                Thread.sleep(250);
            }
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - restarted);
            long ended = last.values().stream().filter(s -> s.matches("SUCCEEDED|FAILED")).count();
            System.out.printf("crash test: %d jobs accepted before SIGKILL, %d ended %d s after the restart%n",
                    accepted.size(), ended, seconds);
            Map<String, String> open = new TreeMap<>(last);
            open.values().removeIf(s -> s.matches("SUCCEEDED|FAILED"));
            assertThat(open).as("accepted jobs not ended within %s of the restart", BOUND).isEmpty();
        } finally {
            second.toHandle().destroy();
            second.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /**
     * 16 clients submit a mix of job types until the runtime is killed, {@link #SUBMITTING} after they
     * began (after one warm-up job each).
     */
    private void submitUntilKilled(Process up, Set<String> accepted) throws Exception {
        String ai = "{\"type\":\"ai.request\",\"payload\":{\"sessionId\":\"s-1\",\"userId\":\"u-1\","
                + "\"process\":\"magicSpark\",\"input\":\"%s\",\"priority\":\"%s\",\"timestamp\":1795342532990}}";
        List<String> bodies = List.of(
                ai.formatted("Three names for a tea shop.", "high"),
                ai.formatted("A haiku about queues.", "normal"),
                "{\"type\":\"analytics.event\",\"payload\":{\"toolId\":\"crash-test\",\"interactionType\":\"click\","
                        + "\"data\":{},\"timestamp\":1795342532990}}",
                "{\"type\":\"email.send\",\"payload\":{\"userId\":\"u-1\",\"to\":\"ada@example.com\","
                        + "\"templateId\":\"welcome\",\"data\":{\"name\":\"Ada\"},\"priority\":\"normal\","
                        + "\"timestamp\":1795342532990}}");
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        Map<Integer, Integer> answers = new ConcurrentHashMap<>();
        AtomicBoolean killed = new AtomicBoolean();
        try (SluiceClient client = client()) {
            // One job per client first, so the API's execution environments are warm when the clock starts.
            long warming = System.nanoTime();
            List<Callable<Void>> warmUp = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                String body = bodies.get(c % bodies.size());
                warmUp.add(() -> {
                    ApiResponse response = client.submit(body, null);
                    answers.merge(response.status(), 1, Integer::sum);
                    if (response.status() == 202) {
                        accepted.add(response.body().get("jobId").asText());
                    }
                    return null;
                });
            }
            for (Future<Void> done : clients.invokeAll(warmUp)) {
                done.get();
            }
            System.out.printf("crash test: %d clients warmed up in %d ms%n", CLIENTS,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - warming));
            long stopAt = System.nanoTime() + SUBMITTING.toNanos();
            for (int c = 0; c < CLIENTS; c++) {
                int offset = c;
                clients.execute(() -> {
                    for (int n = offset; System.nanoTime() < stopAt; n++) {
                        try {
                            ApiResponse response = client.submit(bodies.get(n % bodies.size()), null);
                            answers.merge(response.status(), 1, Integer::sum);
                            if (response.status() == 202) {
                                accepted.add(response.body().get("jobId").asText());
                            } else if (response.status() != 429) {
                                System.out.println("crash test: submit answered " + response.status() + " "
                                        + response.body());
                            }
                        } catch (Exception e) {
                            if (!killed.get()) {
                                System.out.println("crash test: submit failed before the kill: " + e);
                            }
                            return;
                        }
                    }
                });
            }
            clients.shutdown();
            Thread.sleep(SUBMITTING.toMillis());
            killed.set(true);
            up.toHandle().destroyForcibly(); // SIGKILL, with requests in flight
            assertThat(clients.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
        System.out.println("crash test: answers before the kill by status: " + new TreeMap<>(answers));
    }

    private SluiceClient client() throws Exception {
        JsonNode endpoints = Json.parse(Files.readString(state.resolve("endpoints.json")));
        return new SluiceClient(URI.create(endpoints.get("api").asText()), endpoints.get("devApiKey").asText());
    }

    /** Starts {@code sluice up} on the state directory and waits until it says it is up. */
    private Process up(String log) throws Exception {
        Path output = logs.resolve(log);
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--enable-native-access") || a.startsWith("--add-modules")
                        || a.startsWith("-XX:")).toList());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Sluice.class.getName());
        command.addAll(List.of("up", "--dir", state.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!Files.readString(output).contains("Ctrl-C to stop.")) {
            assertThat(process.isAlive()).as("sluice up running; output: %s", Files.readString(output)).isTrue();
            assertThat(System.nanoTime()).as("sluice up ready within 90 s").isLessThan(deadline);
            Thread.sleep(100);
        }
        Files.readAllLines(output).stream().filter(line -> line.startsWith("Sluice local runtime is up"))
                .forEach(line -> System.out.println("crash test: " + line));
        return process;
    }
}
