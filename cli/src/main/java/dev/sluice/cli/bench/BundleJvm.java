package dev.sluice.cli.bench;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@link ColdInit} in a fresh JVM on a class path of one bundle and the launcher, with only the
 * environment given (as Lambda gives a function only its own), and reads what it printed.
 */
public final class BundleJvm {

    /** The handler's construction as the JVM timed it, and the whole process from launch to exit. */
    public record Timing(double initMillis, double processMillis) {
    }

    private static final long TIMEOUT_SECONDS = 120;

    private final Path launcherDir;

    /** @param launcherDir a directory made by {@link ColdInit#classpathEntry} */
    public BundleJvm(Path launcherDir) {
        this.launcherDir = launcherDir;
    }

    /**
     * @param jar the bundle, or null for an empty JVM
     * @param args {@link ColdInit}'s arguments
     * @throws IllegalStateException with the child's output when it does not print its timing
     */
    public Timing run(Path jar, List<String> args, Map<String, String> env) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        String classpath = jar == null ? launcherDir.toString()
                : jar.toAbsolutePath() + File.pathSeparator + launcherDir;
        List<String> command = new ArrayList<>(List.of(java, "-cp", classpath, ColdInit.class.getName()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(env);
        long start = System.nanoTime();
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", args) + ": no exit within " + TIMEOUT_SECONDS + " s");
        }
        double processMillis = (System.nanoTime() - start) / 1_000_000.0;
        String text = new String(output, StandardCharsets.UTF_8);
        String timing = text.lines().filter(l -> l.startsWith(ColdInit.PREFIX)).findFirst().orElse(null);
        if (process.exitValue() != 0 || timing == null) {
            throw new IllegalStateException(String.join(" ", args) + " from " + jar + " exited " + process.exitValue()
                    + ":\n" + text);
        }
        return new Timing(Double.parseDouble(timing.substring(ColdInit.PREFIX.length())), processMillis);
    }
}
