package dev.sluice.workers.logging;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.json.Json;
import java.io.PrintStream;
import java.time.Instant;
import java.util.Map;

/**
 * One JSON object per line on stdout, where Lambda ships it to CloudWatch Logs: level, message,
 * function, request id, then the caller's fields (jobId, tenantId...). Never given payload bodies.
 */
public final class JsonLog {

    private final PrintStream out;

    public JsonLog(PrintStream out) {
        this.out = out;
    }

    /** A line about an invocation: its function and request id come from {@code context} (null outside Lambda). */
    public void info(String message, Context context, Map<String, String> fields) {
        write("INFO", message, function(context), requestId(context), fields);
    }

    public void error(String message, Context context, Map<String, String> fields) {
        write("ERROR", message, function(context), requestId(context), fields);
    }

    public void info(String message, String function, String requestId, Map<String, String> fields) {
        write("INFO", message, function, requestId, fields);
    }

    public void error(String message, String function, String requestId, Map<String, String> fields) {
        write("ERROR", message, function, requestId, fields);
    }

    private static String function(Context context) {
        return context == null ? null : context.getFunctionName();
    }

    private static String requestId(Context context) {
        return context == null ? null : context.getAwsRequestId();
    }

    private void write(String level, String message, String function, String requestId, Map<String, String> fields) {
        ObjectNode line = Json.object();
        line.put("timestamp", Instant.now().toString());
        line.put("level", level);
        line.put("message", message);
        line.put("function", function);
        line.put("requestId", requestId);
        fields.forEach(line::put);
        out.println(Json.write(line));
    }
}
