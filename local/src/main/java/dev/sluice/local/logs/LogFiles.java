package dev.sluice.local.logs;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.sift.MDCBasedDiscriminator;
import ch.qos.logback.classic.sift.SiftingAppender;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.Context;
import ch.qos.logback.core.FileAppender;
import dev.sluice.workers.logging.LogContext;
import dev.sluice.workers.logging.Redaction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import net.logstash.logback.encoder.LogstashEncoder;
import net.logstash.logback.fieldnames.LogstashCommonFieldNames;
import net.logstash.logback.fieldnames.LogstashFieldNames;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * The runtime's logs under {@code DIR/logs/}, never on the console: one JSON-lines file per function,
 * {@code FUNCTION.jsonl} (what its CloudWatch log group holds on AWS), and {@code runtime.jsonl} for
 * everything else: the local services (System.Logger), the embedded servers and the libraries.
 * A line is filed by its MDC entry {@code function}, which {@link LogContext} sets for every line of an
 * invocation. Lines are redacted by the same {@link Redaction} as on Lambda. Attached to logback's root logger while the runtime runs, beside whatever the host (the
 * {@code sluice} command, a test) configured; which levels get through is the host's configuration.
 */
public final class LogFiles implements AutoCloseable {

    /** The MDC key {@link LogContext} puts the function's name under. */
    public static final String FUNCTION_KEY = LogContext.FUNCTION;
    /** The file of every line that is not a function's. */
    public static final String RUNTIME = "runtime";

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private final Logger root;
    private final Appender<ILoggingEvent> files;

    private LogFiles(Logger root, Appender<ILoggingEvent> files) {
        this.root = root;
        this.files = files;
    }

    public static Path directory(Path stateDir) {
        return stateDir.resolve("logs");
    }

    /** The file of {@code function}'s lines, or of the runtime's own with {@link #RUNTIME}. */
    public static Path file(Path stateDir, String function) {
        return directory(stateDir).resolve(safe(function) + ".jsonl");
    }

    /**
     * Creates {@code DIR/logs} (owner-only) and files every log record there from now on. With
     * another SLF4J backend than logback, the host's configuration keeps the records.
     */
    public static LogFiles open(Path stateDir) throws IOException {
        createPrivate(directory(stateDir));
        // java.util.logging (Lucene, sqlite4java) otherwise prints on stderr.
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return new LogFiles(null, null);
        }
        MDCBasedDiscriminator byFunction = new MDCBasedDiscriminator();
        byFunction.setKey(FUNCTION_KEY);
        byFunction.setDefaultValue(RUNTIME);
        byFunction.start();
        SiftingAppender files = new SiftingAppender();
        files.setContext(context);
        files.setName("sluice-logs:" + directory(stateDir));
        files.setDiscriminator(byFunction);
        files.setAppenderFactory((ctx, function) -> jsonLines(ctx, file(stateDir, function)));
        files.start();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(files);
        return new LogFiles(root, files);
    }

    private static Appender<ILoggingEvent> jsonLines(Context context, Path file) {
        LogstashEncoder encoder = new LogstashEncoder();
        encoder.setContext(context);
        // The members of the Lambda bundles' lines (workers' logback.xml), so one jq works on both.
        LogstashFieldNames names = encoder.getFieldNames();
        names.setTimestamp("timestamp");
        names.setVersion(LogstashCommonFieldNames.IGNORE_FIELD_INDICATOR);
        names.setLevelValue(LogstashCommonFieldNames.IGNORE_FIELD_INDICATOR);
        names.setLogger("logger");
        names.setThread("thread");
        Redaction redaction = new Redaction();
        redaction.start();
        encoder.setJsonGeneratorDecorator(redaction);
        encoder.start();
        FileAppender<ILoggingEvent> appender = new FileAppender<>();
        appender.setContext(context);
        appender.setName(file.toString());
        appender.setFile(file.toString());
        appender.setEncoder(encoder);
        appender.start();
        return appender;
    }

    /** A function name is a file name here: nothing that could leave the directory. */
    private static String safe(String function) {
        return function.replaceAll("[^A-Za-z0-9_.-]", "_").replaceAll("^\\.+", "_");
    }

    private static void createPrivate(Path dir) throws IOException {
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            Files.setPosixFilePermissions(dir, OWNER_ONLY); // also when it was there already
        } catch (UnsupportedOperationException notPosix) {
            Files.createDirectories(dir); // Windows: the state directory's own permissions apply
        }
    }

    @Override
    public void close() {
        if (files != null) {
            root.detachAppender(files);
            files.stop();
        }
    }
}
