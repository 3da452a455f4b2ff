package dev.sluice.cli.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a Lambda runtime does first with a bundle, in a fresh JVM: load the handler class by name and
 * construct it (or, as a baseline, call a static factory such as an SDK client's {@code create}),
 * then print {@code cold-init-ms=} and the time that took. It uses the JDK only, so that
 * {@code java -cp BUNDLE.jar:DIR} proves the bundle alone holds everything the handler needs.
 *
 * <p>Arguments: none (an empty JVM), {@code CLASS} (its no-argument constructor) or {@code CLASS
 * METHOD} (a static no-argument method).
 */
public final class ColdInit {

    public static final String PREFIX = "cold-init-ms=";

    private ColdInit() {
    }

    public static void main(String[] args) throws ReflectiveOperationException {
        long start = System.nanoTime();
        if (args.length == 1) {
            Class.forName(args[0]).getConstructor().newInstance();
        } else if (args.length == 2) {
            Class.forName(args[0]).getMethod(args[1]).invoke(null);
        }
        System.out.println(PREFIX + (System.nanoTime() - start) / 1_000_000.0);
    }

    /** A directory holding this class alone, to put beside a bundle on a child JVM's class path. */
    public static Path classpathEntry(Path dir) throws IOException {
        String name = ColdInit.class.getName().replace('.', '/') + ".class";
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        try (InputStream in = ColdInit.class.getClassLoader().getResourceAsStream(name)) {
            Files.copy(in, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return dir;
    }
}
