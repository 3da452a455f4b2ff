package dev.sluice.cli.bench;

import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
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
import org.joda.time.DateTime;

/**
 * Each Lambda bundle's size, and each handler's cold init in a plain fresh JVM ({@code java -cp
 * BUNDLE.jar}, the function's environment of the {@code dev} profile), side by side with two
 * baselines measured in the same run: an empty JVM, and the same JVM building one bare SDK client
 * ({@code DynamoDbClient.create()}, from the notifier's bundle). Then each handler's first
 * invocation ({@link FirstInvocation}: its priming fixture as the event) in a fresh JVM, without
 * priming and after its SnapStart priming ran (what a restored snapshot would have done), every
 * endpoint a {@link LoopbackStub} that answers {@code 200 {}}. Subjects are interleaved, so that
 * drifting load touches each alike; medians of {@code runs}.
 */
public final class BundlesBenchmark {

    private record Subject(String name, Path jar, List<String> args, Map<String, String> env) {
    }

    private record Invoked(String name, Path jar, FunctionSpec function) {
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
        List<Invoked> invoked = new ArrayList<>();
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
                String name = artifact.name() + ": " + f.handler().substring(f.handler().lastIndexOf('.') + 1);
                subjects.add(new Subject(name, jar, List.of(f.handler()), env));
                invoked.add(new Invoked(name, jar, f));
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
        report.append(firstInvocations(topology, invoked, scratch));
        return report.toString();
    }

    /** The first-invocation table: each handler cold and primed, interleaved, medians of {@code runs}. */
    private String firstInvocations(Topology topology, List<Invoked> invoked, Path scratch) throws Exception {
        Path launcher = FirstInvocation.classpathEntry(Files.createDirectories(scratch.resolve("first-invocation")));
        // What Lambda's runtime brings: its serializers, and Joda-Time, which they load (the bundles leave it out).
        BundleJvm jvm = new BundleJvm(launcher, List.of(jarOf(LambdaEventSerializers.class), jarOf(DateTime.class)));
        List<List<BundleJvm.Invocation>> cold = new ArrayList<>();
        List<List<BundleJvm.Invocation>> primed = new ArrayList<>();
        try (LoopbackStub stub = new LoopbackStub()) {
            BundleEnvironment environments = new BundleEnvironment(topology, BundleEnvironment.DEPLOYED_PROFILE,
                    stub.address());
            invoked.forEach(s -> {
                cold.add(new ArrayList<>());
                primed.add(new ArrayList<>());
            });
            for (int run = 0; run < runs; run++) {
                for (int i = 0; i < invoked.size(); i++) {
                    Invoked s = invoked.get(i);
                    Map<String, String> env = environments.of(s.function());
                    cold.get(i).add(jvm.invoke(s.jar(), s.function().handler(), false, env));
                    primed.get(i).add(jvm.invoke(s.jar(), s.function().handler(), true, env));
                }
            }
        }
        StringBuilder report = new StringBuilder();
        report.append(String.format("%nFirst invocation in a fresh JVM, %d runs each, medians: construction, priming,"
                + " the first invocation without and after priming (every endpoint a loopback stub answering"
                + " 200 {}), and the second invocation%n", runs));
        report.append(String.format("%-26s %8s %9s %10s %12s %8s %9s %s%n", "subject", "init ms", "prime ms",
                "1st cold", "1st primed", "ratio", "2nd ms", "outcome (cold / primed)"));
        for (int i = 0; i < invoked.size(); i++) {
            double firstCold = medianOf(cold.get(i), BundleJvm.Invocation::firstMillis);
            double firstPrimed = medianOf(primed.get(i), BundleJvm.Invocation::firstMillis);
            report.append(String.format("%-26s %8.0f %9.0f %10.0f %12.0f %8.1f %9.1f %s / %s%n", invoked.get(i).name(),
                    medianOf(cold.get(i), BundleJvm.Invocation::initMillis),
                    medianOf(primed.get(i), BundleJvm.Invocation::primeMillis), firstCold, firstPrimed,
                    firstCold / firstPrimed, medianOf(cold.get(i), BundleJvm.Invocation::secondMillis),
                    cold.get(i).get(0).outcome(), primed.get(i).get(0).outcome()));
        }
        return report.toString();
    }

    private static Path jarOf(Class<?> type) throws java.net.URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    /** A native library, by the names the JVM, JNA and DJL load them under. */
    public static boolean isNative(String entry) {
        return entry.endsWith(".so") || entry.endsWith(".dylib") || entry.endsWith(".jnilib")
                || entry.endsWith(".dll") || entry.endsWith(".a");
    }

    private static double median(List<BundleJvm.Timing> samples,
            java.util.function.ToDoubleFunction<BundleJvm.Timing> value) {
        return medianOf(samples, value);
    }

    private static <T> double medianOf(List<T> samples, java.util.function.ToDoubleFunction<T> value) {
        double[] sorted = samples.stream().mapToDouble(value).sorted().toArray();
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }
}
