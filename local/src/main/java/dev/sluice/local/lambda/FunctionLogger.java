package dev.sluice.local.lambda;

import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import dev.sluice.workers.logging.LogContext;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * {@code context.getLogger()} of a local invocation: what Lambda writes to the function's log group
 * goes to its file under {@code DIR/logs} ({@code LogFiles}), filed by the same MDC entries that
 * {@link LogContext} sets, and within the handler's own scope (job, correlation id) when it has one.
 */
final class FunctionLogger implements LambdaLogger {

    private static final Logger LOG = LoggerFactory.getLogger(FunctionLogger.class);

    private final String function;
    private final String requestId;

    FunctionLogger(String function, String requestId) {
        this.function = function;
        this.requestId = requestId;
    }

    @Override
    public void log(String message) {
        log(message, LogLevel.UNDEFINED);
    }

    @Override
    public void log(byte[] message) {
        log(new String(message, StandardCharsets.UTF_8));
    }

    @Override
    public void log(String message, LogLevel level) {
        try (LogContext invocation = LogContext.invocation(function, requestId, null)) {
            LOG.atLevel(switch (level) {
                case TRACE -> Level.TRACE;
                case DEBUG -> Level.DEBUG;
                case WARN -> Level.WARN;
                case ERROR, FATAL -> Level.ERROR;
                case INFO, UNDEFINED -> Level.INFO;
            }).log(message);
        }
    }
}
