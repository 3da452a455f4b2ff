package dev.sluice.cli.bench;

import dev.sluice.local.lambda.HandlerType;
import dev.sluice.local.lambda.LocalContext;
import dev.sluice.workers.priming.Priming;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * A handler's cold start and first invocation in a fresh JVM, as Lambda's runtime runs them: load the
 * handler by name, construct it, optionally run its SnapStart priming (what a restored snapshot has
 * already done), then invoke it with its own priming fixture (Lambda's serializers for a typed
 * handler) and once more. Prints {@code first-invocation init= prime= first= second= outcome=}.
 *
 * <p>Arguments: {@code CLASS cold|primed}. Its class path: the bundle, this launcher with the
 * local runtime's {@link HandlerType} and {@link LocalContext}, and aws-lambda-java-serialization
 * (which Lambda's runtime brings, not the bundle).
 */
public final class FirstInvocation {

    public static final String PREFIX = "first-invocation ";
    /** What {@link #classpathEntry} copies: this class and what it uses of the local runtime. */
    private static final List<Class<?>> CLASSES = List.of(FirstInvocation.class, HandlerType.class, LocalContext.class);

    private FirstInvocation() {
    }

    public static void main(String[] args) throws Exception {
        boolean primed = args[1].equals("primed");
        long start = System.nanoTime();
        HandlerType type = HandlerType.load(args[0], FirstInvocation.class.getClassLoader());
        Object handler = type.newInstance();
        long built = System.nanoTime();
        String failedSteps = "";
        if (primed) {
            Priming.Report report = Priming.registeredFor(handler).orElseThrow(() -> new IllegalStateException(
                    args[0] + " registers no priming")).prime();
            failedSteps = String.join(",", report.failed().keySet());
        }
        long ready = System.nanoTime();
        byte[] event;
        try (InputStream in = handler.getClass().getResourceAsStream(Priming.fixture(handler.getClass()))) {
            event = in.readAllBytes();
        }
        String outcome = invoke(type, handler, event);
        long first = System.nanoTime();
        invoke(type, handler, event);
        long second = System.nanoTime();
        System.out.println(PREFIX + "init=" + ms(built - start) + " prime=" + ms(ready - built) + " first="
                + ms(first - ready) + " second=" + ms(second - first) + " outcome=" + outcome
                + (failedSteps.isEmpty() ? "" : "(priming-failed:" + failedSteps + ")"));
        System.exit(0);
    }

    /** "ok", or the simple name of what the invocation threw (against the benchmark's stub, often expected). */
    private static String invoke(HandlerType type, Object handler, byte[] event) {
        try {
            type.invoke(handler, event, new LocalContext("bench-request", "bench", "arn:aws:lambda:us-east-1:"
                    + "000000000000:function:bench", 1024, System.nanoTime() + 60_000_000_000L));
            return "ok";
        } catch (Exception e) {
            return e.getClass().getSimpleName();
        }
    }

    private static double ms(long nanos) {
        return nanos / 1_000_000.0;
    }

    /** A directory holding this launcher and the local runtime classes it uses, beside a bundle. */
    public static Path classpathEntry(Path dir) throws IOException {
        for (Class<?> c : CLASSES) {
            String name = c.getName().replace('.', '/') + ".class";
            Path file = dir.resolve(name);
            Files.createDirectories(file.getParent());
            try (InputStream in = c.getClassLoader().getResourceAsStream(name)) {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return dir;
    }
}
