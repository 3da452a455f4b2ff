package dev.sluice.workers.logging;

import com.amazonaws.services.lambda.runtime.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.MDC;

/**
 * What every log line of a function carries, as MDC entries the JSON encoder writes as top-level
 * members: per invocation the function's name and request id and the correlation id, per item (an
 * SQS record, a job, a document) its ids. The project's own version of Powertools' logging utility
 * (not to be had here). Handlers log with plain SLF4J loggers inside these scopes.
 *
 * <p>A scope puts its entries and, when closed, puts back exactly what was there before: the local
 * runtime runs many functions on shared threads, so clearing the MDC would wipe an enclosing
 * invocation's entries. A null or empty value leaves the key as the enclosing scope set it.
 */
public final class LogContext implements AutoCloseable {

    /** The MDC key of the function's name; the local runtime files a line by it. */
    public static final String FUNCTION = "function";
    /** The MDC key of the invocation's request id (Lambda's, or API Gateway's for the API). */
    public static final String REQUEST_ID = "requestId";
    /** The id that follows one client request through events, queues, executions and pushes. */
    public static final String CORRELATION_ID = "correlationId";
    public static final String JOB_ID = "jobId";
    public static final String TENANT_ID = "tenantId";
    public static final String DOCUMENT_ID = "documentId";
    /** The SQS message being handled (SqsBatchProcessor). */
    public static final String MESSAGE_ID = "messageId";

    private final Map<String, String> previous;

    private LogContext(Map<String, String> previous) {
        this.previous = previous;
    }

    /** One invocation: the function and request id from {@code context} (none when it is null). */
    public static LogContext invocation(Context context) {
        return invocation(context, null);
    }

    public static LogContext invocation(Context context, String correlationId) {
        return context == null ? invocation(null, null, correlationId)
                : invocation(context.getFunctionName(), context.getAwsRequestId(), correlationId);
    }

    /** One invocation known by its function's name and request id (null ones are left out). */
    public static LogContext invocation(String function, String requestId, String correlationId) {
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put(FUNCTION, function);
        entries.put(REQUEST_ID, requestId);
        entries.put(CORRELATION_ID, correlationId);
        return with(entries);
    }

    /** One job being handled. */
    public static LogContext job(String tenantId, String jobId, String correlationId) {
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put(TENANT_ID, tenantId);
        entries.put(JOB_ID, jobId);
        entries.put(CORRELATION_ID, correlationId);
        return with(entries);
    }

    /** One document being handled. */
    public static LogContext document(String tenantId, String documentId, String correlationId) {
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put(TENANT_ID, tenantId);
        entries.put(DOCUMENT_ID, documentId);
        entries.put(CORRELATION_ID, correlationId);
        return with(entries);
    }

    /** Any entries, for what the named scopes do not cover (null values are skipped). */
    public static LogContext with(Map<String, String> entries) {
        Map<String, String> previous = new LinkedHashMap<>();
        entries.forEach((key, value) -> {
            if (value != null && !value.isEmpty()) {
                previous.putIfAbsent(key, MDC.get(key));
                MDC.put(key, value);
            }
        });
        return new LogContext(previous);
    }

    /** Puts back what the keys of this scope held before it opened. */
    @Override
    public void close() {
        previous.forEach((key, value) -> {
            if (value == null) {
                MDC.remove(key);
            } else {
                MDC.put(key, value);
            }
        });
    }
}
