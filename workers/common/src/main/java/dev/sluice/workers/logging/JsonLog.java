package dev.sluice.workers.logging;

import com.amazonaws.services.lambda.runtime.Context;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * A line about an invocation, through SLF4J: level, message, the function and request id (as MDC
 * entries, {@code function} and {@code requestId}), then the caller's fields (jobId, tenantId...) as
 * key-value pairs. logback's LogstashEncoder writes all of them as top-level members of one JSON
 * line: to stdout on Lambda (the bundles' {@code logback.xml}), to {@code DIR/logs/FUNCTION.jsonl}
 * in the local runtime, which files each line by its {@code function}. Never given payload bodies.
 */
public final class JsonLog {

    /** The MDC keys the local runtime files a line by, and its console summary reads. */
    public static final String FUNCTION = "function";
    public static final String REQUEST_ID = "requestId";

    private static final Logger LOG = LoggerFactory.getLogger(JsonLog.class);

    public JsonLog() {
    }

    /** A line about an invocation: its function and request id come from {@code context} (null outside Lambda). */
    public void info(String message, Context context, Map<String, String> fields) {
        write(Level.INFO, message, function(context), requestId(context), fields);
    }

    public void error(String message, Context context, Map<String, String> fields) {
        write(Level.ERROR, message, function(context), requestId(context), fields);
    }

    public void info(String message, String function, String requestId, Map<String, String> fields) {
        write(Level.INFO, message, function, requestId, fields);
    }

    public void error(String message, String function, String requestId, Map<String, String> fields) {
        write(Level.ERROR, message, function, requestId, fields);
    }

    private static String function(Context context) {
        return context == null ? null : context.getFunctionName();
    }

    private static String requestId(Context context) {
        return context == null ? null : context.getAwsRequestId();
    }

    private static void write(Level level, String message, String function, String requestId,
            Map<String, String> fields) {
        if (!LOG.isEnabledForLevel(level)) {
            return;
        }
        // Set for this line only: the thread may go on to serve another function.
        String outerFunction = MDC.get(FUNCTION);
        String outerRequestId = MDC.get(REQUEST_ID);
        put(FUNCTION, function);
        put(REQUEST_ID, requestId);
        try {
            LoggingEventBuilder line = LOG.atLevel(level).setMessage(message);
            fields.forEach(line::addKeyValue);
            line.log();
        } finally {
            put(FUNCTION, outerFunction);
            put(REQUEST_ID, outerRequestId);
        }
    }

    private static void put(String key, String value) {
        if (value == null || value.isEmpty()) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }
}
