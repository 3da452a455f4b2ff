package dev.sluice.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import dev.sluice.local.logs.LogFiles;
import dev.sluice.workers.logging.LogContext;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/**
 * What the console of {@code up} and {@code demo} shows of the runtime's logs: one line per failure (an
 * ERROR of a function, a WARN or ERROR of a local service), naming the file under {@code DIR/logs} that
 * holds the whole record, e.g. {@code ai-worker: job attempt failed: ... (jobId=..., see
 * .sluice/logs/ai-worker.jsonl)}. The libraries' own warnings stay in the files.
 */
final class FailureSummary extends AppenderBase<ILoggingEvent> implements AutoCloseable {

    private static final String LOCAL_SERVICES = "dev.sluice.";
    private static final int MAX_TEXT = 300;
    /** The MDC entries that say what a failure was about, shown before the line's own key-value pairs. */
    private static final List<String> IDS = List.of(LogContext.JOB_ID, LogContext.DOCUMENT_ID, LogContext.MESSAGE_ID);

    private final PrintWriter console;
    private final Path stateDir;
    /** The failed messages already shown: a worker and its batch processor both report the same one. */
    private final Set<String> shownMessages = Collections.newSetFromMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > 1000;
        }
    });
    private int shown;

    private FailureSummary(PrintWriter console, Path stateDir) {
        this.console = console;
        this.stateDir = stateDir;
    }

    /** Shows failures on {@code console} until closed; nothing with another SLF4J backend than logback. */
    static FailureSummary attach(PrintWriter console, Path stateDir) {
        FailureSummary summary = new FailureSummary(console, stateDir);
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            summary.setContext(context);
            summary.setName("sluice-failure-summary");
            summary.start();
            context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(summary);
        }
        return summary;
    }

    /** How many failures were shown. */
    synchronized int shown() {
        return shown;
    }

    @Override
    protected void append(ILoggingEvent event) {
        String function = event.getMDCPropertyMap().get(LogFiles.FUNCTION_KEY);
        boolean failure = function != null ? event.getLevel().isGreaterOrEqual(Level.ERROR)
                : event.getLoggerName().startsWith(LOCAL_SERVICES) && event.getLevel().isGreaterOrEqual(Level.WARN);
        if (!failure || !firstReportOfItsMessage(event, function)) {
            return;
        }
        String source = function != null ? function : LogFiles.RUNTIME;
        StringBuilder line = new StringBuilder(source).append(": ").append(oneLine(event.getFormattedMessage()));
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            line.append(": ").append(thrown.getClassName()).append(": ").append(oneLine(thrown.getMessage()));
        }
        line.append(" (");
        Map<String, String> mdc = event.getMDCPropertyMap();
        IDS.stream().filter(mdc::containsKey).forEach(id -> line.append(id).append('=').append(mdc.get(id))
                .append(", "));
        if (event.getKeyValuePairs() != null && !event.getKeyValuePairs().isEmpty()) {
            line.append(event.getKeyValuePairs().stream().map(kv -> kv.key + "=" + oneLine(String.valueOf(kv.value)))
                    .collect(Collectors.joining(", "))).append(", ");
        }
        line.append("see ").append(LogFiles.file(stateDir, source)).append(')');
        console.println(line);
        console.flush();
        shown++;
    }

    private boolean firstReportOfItsMessage(ILoggingEvent event, String function) {
        String requestId = event.getMDCPropertyMap().get(LogContext.REQUEST_ID);
        String messageId = event.getMDCPropertyMap().get(LogContext.MESSAGE_ID);
        if (function == null || requestId == null || messageId == null) {
            return true;
        }
        return shownMessages.add(function + " " + requestId + " " + messageId);
    }

    private static String oneLine(String text) {
        if (text == null) {
            return "";
        }
        String first = text.lines().findFirst().orElse("");
        return first.length() <= MAX_TEXT ? first : first.substring(0, MAX_TEXT) + "...";
    }

    @Override
    public void close() {
        if (getContext() instanceof LoggerContext context) {
            Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
            root.detachAppender(this);
        }
        stop();
    }
}
