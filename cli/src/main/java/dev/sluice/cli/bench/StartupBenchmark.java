package dev.sluice.cli.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Time from launch to ready, idle memory and time to stop, for {@code sluice up} and, side by side
 * in the same run, for its slowest component alone (ElasticMQ) and for a JVM that does nothing.
 * Each measurement is a fresh JVM, as a user's {@code sluice up} is.
 */
public final class StartupBenchmark {

    /** What a child JVM runs: a main class, its arguments and the line it prints when ready. */
    private record Subject(String name, List<String> mainAndArgs, String readyLine) {
    }

    private record Sample(long readyMillis, long idleRssKib, double idleCpuPercent, long stopMillis) {
    }

    /** Linux's USER_HZ: the unit of the CPU times in /proc/PID/stat. */
    private static final double CLOCK_TICKS_PER_SECOND = 100.0;

    private final int runs;
    private final long idleMillis;

    public StartupBenchmark(int runs, long idleMillis) {
        this.runs = runs;
        this.idleMillis = idleMillis;
    }

    public String run() throws Exception {
        Path scratch = Files.createTempDirectory("sluice-bench-");
        List<Subject> subjects = List.of(
                new Subject("sluice up (everything)", List.of("dev.sluice.cli.Sluice", "up", "--dir",
                        scratch.resolve("state").toString()), "Ctrl-C to stop."),
                new Subject("ElasticMQ alone", List.of(ComponentOnly.class.getName(), "sqs"), ComponentOnly.READY),
                new Subject("an empty JVM", List.of(ComponentOnly.class.getName(), "nothing"), ComponentOnly.READY));
        List<List<Sample>> results = new ArrayList<>();
        for (Subject s : subjects) {
            results.add(new ArrayList<>());
        }
        // Interleaved, so drifting machine load touches every subject alike.
        for (int run = 0; run < runs; run++) {
            for (int i = 0; i < subjects.size(); i++) {
                results.get(i).add(measure(subjects.get(i)));
            }
        }
        StringBuilder report = new StringBuilder();
        report.append(String.format("Startup, %d runs each, medians; idle measured over %d ms; %d cores; %s%n", runs,
                idleMillis, Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.version")));
        report.append(String.format("%-24s %10s %12s %10s %10s%n", "subject", "ready ms", "idle RSS MiB",
                "idle CPU %", "stop ms"));
        long[] ready = new long[subjects.size()];
        long[] rss = new long[subjects.size()];
        for (int i = 0; i < subjects.size(); i++) {
            ready[i] = median(results.get(i).stream().map(Sample::readyMillis).toList());
            rss[i] = median(results.get(i).stream().map(Sample::idleRssKib).toList());
            long stop = median(results.get(i).stream().map(Sample::stopMillis).toList());
            List<Double> cpus = new ArrayList<>(results.get(i).stream().map(Sample::idleCpuPercent).toList());
            Collections.sort(cpus);
            report.append(String.format("%-24s %10d %12.0f %10.1f %10d%n", subjects.get(i).name(), ready[i],
                    rss[i] / 1024.0, cpus.get(cpus.size() / 2), stop));
        }
        report.append(String.format("ratios: sluice up / ElasticMQ alone: ready %.2fx, RSS %.2fx; "
                + "sluice up / empty JVM: ready %.1fx, RSS %.1fx%n", (double) ready[0] / ready[1],
                (double) rss[0] / rss[1], (double) ready[0] / ready[2], (double) rss[0] / rss[2]));
        return report.toString();
    }

    private Sample measure(Subject subject) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        // The same logging for every subject: the command's own (set in Sluice.main), not the Lambda bundles'.
        String logging = System.getProperty("logback.configurationFile");
        if (logging != null) {
            command.add("-Dlogback.configurationFile=" + logging);
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.addAll(subject.mainAndArgs());
        long start = System.nanoTime();
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = lines.readLine()) != null && !line.contains(subject.readyLine())) {
            // skip the summary lines before the ready line
        }
        if (line == null) {
            throw new IllegalStateException(subject.name() + " exited before it was ready");
        }
        long ready = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        Thread drain = Thread.ofVirtual().start(() -> {
            try {
                while (lines.readLine() != null) {
                    // keep the child's output pipe from filling up
                }
            } catch (IOException closedAtExit) {
                // the child is gone
            }
        });
        Thread.sleep(1000); // let start-up work (JIT, first polls) settle before measuring idle
        long ticksBefore = cpuTicks(child.pid());
        Thread.sleep(idleMillis);
        double cpu = 100.0 * (cpuTicks(child.pid()) - ticksBefore) / CLOCK_TICKS_PER_SECOND / (idleMillis / 1000.0);
        long rss = rssKib(child.pid());
        long stopStart = System.nanoTime();
        child.toHandle().destroy(); // SIGTERM: the graceful stop path
        if (!child.waitFor(60, TimeUnit.SECONDS)) {
            child.destroyForcibly();
            throw new IllegalStateException(subject.name() + " did not stop within 60 s of SIGTERM");
        }
        long stop = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopStart);
        drain.join();
        return new Sample(ready, rss, cpu, stop);
    }

    /** User plus system CPU time of a process, in clock ticks (fields 14 and 15 of /proc/PID/stat). */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    private static long rssKib(long pid) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS for " + pid);
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
