package dev.sluice.cli.bench;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a launcher ({@link ColdInit}, {@link FirstInvocation}) in a fresh JVM on a class path of one
 * bundle, the launcher's directory and what Lambda's runtime would bring, with only the environment
 * given (as Lambda gives a function only its own), and reads what it printed.
 */
public final class BundleJvm {

    /** The handler's construction as the JVM timed it, and the whole process from launch to exit. */
    public record Timing(double initMillis, double processMillis) {
    }

    /** {@link FirstInvocation}'s timings: construction, priming (0 when cold), the first and second invocations. */
    public record Invocation(double initMillis, double primeMillis, double firstMillis, double secondMillis,
            String outcome) {
    }

    private static final long TIMEOUT_SECONDS = 120;

    private final Path launcherDir;
    private final List<Path> runtimeJars;

    /** @param launcherDir a directory made by {@link ColdInit#classpathEntry} */
    public BundleJvm(Path launcherDir) {
        this(launcherDir, List.of());
    }

    /**
     * @param launcherDir a directory made by {@link ColdInit#classpathEntry} or {@link FirstInvocation#classpathEntry}
     * @param runtimeJars what Lambda's runtime brings besides the bundle (its serialization library)
     */
    public BundleJvm(Path launcherDir, List<Path> runtimeJars) {
        this.launcherDir = launcherDir;
        this.runtimeJars = List.copyOf(runtimeJars);
    }

    /**
     * @param jar the bundle, or null for an empty JVM
     * @param args {@link ColdInit}'s arguments
     * @throws IllegalStateException with the child's output when it does not print its timing
     */
    public Timing run(Path jar, List<String> args, Map<String, String> env) throws IOException, InterruptedException {
        long start = System.nanoTime();
        String timing = exec(jar, ColdInit.class.getName(), args, env, ColdInit.PREFIX);
        double processMillis = (System.nanoTime() - start) / 1_000_000.0;
        return new Timing(Double.parseDouble(timing), processMillis);
    }

    /** {@link FirstInvocation} of {@code handler} from {@code jar}, primed first or not. */
    public Invocation invoke(Path jar, String handler, boolean primed, Map<String, String> env)
            throws IOException, InterruptedException {
        String line = exec(jar, FirstInvocation.class.getName(), List.of(handler, primed ? "primed" : "cold"), env,
                FirstInvocation.PREFIX);
        Map<String, String> values = new HashMap<>();
        for (String pair : line.split(" ")) {
            int eq = pair.indexOf('=');
            values.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return new Invocation(Double.parseDouble(values.get("init")), Double.parseDouble(values.get("prime")),
                Double.parseDouble(values.get("first")), Double.parseDouble(values.get("second")),
                values.get("outcome"));
    }

    /** The child's line that starts with {@code prefix}, without it. */
    private String exec(Path jar, String main, List<String> args, Map<String, String> env, String prefix)
            throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> classpath = new ArrayList<>();
        if (jar != null) {
            classpath.add(jar.toAbsolutePath().toString());
        }
        classpath.add(launcherDir.toString());
        runtimeJars.forEach(j -> classpath.add(j.toAbsolutePath().toString()));
        List<String> command = new ArrayList<>(List.of(java, "-cp", String.join(File.pathSeparator, classpath), main));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(env);
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", args) + ": no exit within " + TIMEOUT_SECONDS + " s");
        }
        String text = new String(output, StandardCharsets.UTF_8);
        String line = text.lines().filter(l -> l.startsWith(prefix)).findFirst().orElse(null);
        if (process.exitValue() != 0 || line == null) {
            throw new IllegalStateException(String.join(" ", args) + " from " + jar + " exited " + process.exitValue()
                    + ":\n" + text);
        }
        return line.substring(prefix.length());
    }
}
