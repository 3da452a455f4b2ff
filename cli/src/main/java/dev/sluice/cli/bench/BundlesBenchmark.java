package dev.sluice.cli.bench;

import dev.sluice.core.topology.ArtifactSpec;
import dev.sluice.core.topology.Definitions;
import dev.sluice.core.topology.FunctionSpec;
import dev.sluice.core.topology.Topology;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;

/**
 * Each Lambda bundle's size, and each handler's cold init in a plain fresh JVM ({@code java -cp
 * BUNDLE.jar}, the function's environment of the {@code dev} profile), side by side with two
 * baselines measured in the same run: an empty JVM, and the same JVM building one bare SDK client
 * ({@code DynamoDbClient.create()}, from the notifier's bundle). Subjects are interleaved, so that
 * drifting load touches each alike; medians of {@code runs}.
 */
public final class BundlesBenchmark {

    private record Subject(String name, Path jar, List<String> args, Map<String, String> env) {
    }

    private static final String SDK_CLIENT = "software.amazon.awssdk.services.dynamodb.DynamoDbClient";

    private final Path root;
    private final int runs;

    /** @param root the repository root, where {@code mvn package} left the bundles */
    public BundlesBenchmark(Path root, int runs) {
        this.root = root;
        this.runs = runs;
    }

    public String run() throws Exception {
        Topology topology = Definitions.bundled().topology();
        BundleEnvironment environments = new BundleEnvironment(topology, BundleEnvironment.DEPLOYED_PROFILE);
        StringBuilder report = new StringBuilder();
        report.append(String.format("Bundles (mvn package), %s; %d cores; JDK %s%n", "sizes in MiB (2^20 bytes)",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.version")));
        report.append(String.format("%-10s %9s %8s %-10s %s%n", "bundle", "size MiB", "entries", "arch", "natives"));
        List<Subject> subjects = new ArrayList<>();
        Map<String, String> bare = null;
        for (ArtifactSpec artifact : topology.artifacts()) {
            Path jar = root.resolve(artifact.jar());
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException(jar + " is missing: build the bundles first (mvn package)");
            }
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                List<String> natives = zip.stream().map(e -> e.getName()).filter(BundlesBenchmark::isNative).toList();
                report.append(String.format("%-10s %9.1f %8d %-10s %s%n", artifact.name(),
                        Files.size(jar) / 1048576.0, zip.size(), artifact.architecture(),
                        natives.isEmpty() ? "none" : String.join(", ", natives)));
            }
            Map<String, FunctionSpec> byHandler = new LinkedHashMap<>();
            topology.functions().stream().filter(f -> artifact.name().equals(f.artifact()))
                    .forEach(f -> byHandler.putIfAbsent(f.handler(), f));
            for (FunctionSpec f : byHandler.values()) {
                Map<String, String> env = environments.of(f);
                subjects.add(new Subject(artifact.name() + ": " + f.handler().substring(f.handler().lastIndexOf('.') + 1),
                        jar, List.of(f.handler()), env));
                if (artifact.name().equals("notifier")) {
                    bare = env;
                }
            }
        }
        Path notifier = root.resolve(topology.artifact("notifier").orElseThrow().jar());
        subjects.add(0, new Subject("bare SDK client (DynamoDbClient.create)", notifier, List.of(SDK_CLIENT, "create"),
                bare));
        subjects.add(0, new Subject("an empty JVM", null, List.of(), Map.of()));

        Path scratch = Files.createTempDirectory("sluice-bench-bundles-");
        BundleJvm jvm = new BundleJvm(ColdInit.classpathEntry(scratch));
        List<List<BundleJvm.Timing>> samples = new ArrayList<>();
        subjects.forEach(s -> samples.add(new ArrayList<>()));
        for (int run = 0; run < runs; run++) {
            for (int i = 0; i < subjects.size(); i++) {
                Subject s = subjects.get(i);
                samples.get(i).add(jvm.run(s.jar(), s.args(), s.env()));
            }
        }
        double sdkInit = median(samples.get(1), BundleJvm.Timing::initMillis);
        double emptyProcess = median(samples.get(0), BundleJvm.Timing::processMillis);
        report.append(String.format("%nCold init in a fresh JVM, %d runs each, medians: the handler's construction as the"
                + " JVM timed it, and the process from launch to exit%n", runs));
        report.append(String.format("%-42s %9s %10s %11s %12s%n", "subject", "init ms", "x SDK client", "process ms",
                "x empty JVM"));
        for (int i = 0; i < subjects.size(); i++) {
            double init = median(samples.get(i), BundleJvm.Timing::initMillis);
            double process = median(samples.get(i), BundleJvm.Timing::processMillis);
            report.append(String.format("%-42s %9.0f %10s %11.0f %12.1f%n", subjects.get(i).name(), init,
                    i == 0 ? "-" : String.format("%.1f", init / sdkInit), process, process / emptyProcess));
        }
        return report.toString();
    }

    /** A native library, by the names the JVM, JNA and DJL load them under. */
    public static boolean isNative(String entry) {
        return entry.endsWith(".so") || entry.endsWith(".dylib") || entry.endsWith(".jnilib")
                || entry.endsWith(".dll") || entry.endsWith(".a");
    }

    private static double median(List<BundleJvm.Timing> samples,
            java.util.function.ToDoubleFunction<BundleJvm.Timing> value) {
        double[] sorted = samples.stream().mapToDouble(value).sorted().toArray();
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }
}
