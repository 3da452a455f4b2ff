package dev.sluice.workers.batch;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse.BatchItemFailure;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.sluice.workers.logging.LogContext;
import dev.sluice.workers.metrics.Metric;
import dev.sluice.workers.metrics.Metrics;
import dev.sluice.workers.metrics.MetricsScope;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs a handler over an SQS batch and answers with partial batch failures (the event source
 * mapping needs {@code ReportBatchItemFailures}), so one bad message is redelivered alone instead of
 * taking the whole batch with it. Semantics follow Powertools' {@code SqsBatchMessageHandler}.
 * Each message's {@code QueueAge} (since its SentTimestamp) goes into one EMF document per batch.
 *
 * <p>On a FIFO queue the first failure also fails every later message of the batch, unhandled:
 * handling them would let them overtake the failed one, which SQS then redelivers out of order.
 *
 * <p>Logs: the invocation's function and request id ({@link LogContext}) are on every line of the
 * batch, and each record's {@code messageId} on the lines written while it is handled, on whichever
 * thread handles it.
 */
public final class SqsBatchProcessor {

    private static final Logger LOG = LoggerFactory.getLogger(SqsBatchProcessor.class);

    private final boolean concurrent;
    private final Metrics metrics;

    /** Handles the messages one after another, in batch order. */
    public SqsBatchProcessor() {
        this(false);
    }

    private SqsBatchProcessor(boolean concurrent) {
        this(concurrent, Metrics.fromEnvironment());
    }

    SqsBatchProcessor(boolean concurrent, Metrics metrics) {
        this.concurrent = concurrent;
        this.metrics = metrics;
    }

    /**
     * Handles the messages of a standard queue all at once, one virtual thread each, for handlers
     * that mostly wait on I/O. FIFO batches stay sequential, since their order is the point.
     */
    public static SqsBatchProcessor parallel() {
        return new SqsBatchProcessor(true);
    }

    public SQSBatchResponse process(SQSEvent event, Context context, MessageHandler handler) {
        List<SQSMessage> messages = event.getRecords() == null ? List.of() : event.getRecords();
        boolean fifo = isFifo(messages);
        List<BatchItemFailure> failures;
        try (LogContext invocation = LogContext.invocation(context); MetricsScope scope = metrics.scope()) {
            queueAges(messages, scope);
            failures = concurrent && !fifo
                    ? concurrently(messages, context, handler)
                    : sequentially(messages, context, handler, fifo);
        }
        return SQSBatchResponse.builder().withBatchItemFailures(failures).build();
    }

    /** How long each message waited before this batch took it: the lane's backlog, as the handler sees it. */
    private static void queueAges(List<SQSMessage> messages, MetricsScope scope) {
        long now = System.currentTimeMillis();
        for (SQSMessage message : messages) {
            String sent = message.getAttributes() == null ? null : message.getAttributes().get("SentTimestamp");
            String arn = message.getEventSourceArn();
            if (sent != null && arn != null) {
                try {
                    scope.put(Metric.QUEUE_AGE, Math.max(0, now - Long.parseLong(sent)),
                            arn.substring(arn.lastIndexOf(':') + 1));
                } catch (NumberFormatException e) {
                    // Not SQS's attribute: no age to tell.
                }
            }
        }
    }

    // One event source mapping reads one queue, so the first message speaks for the batch.
    private static boolean isFifo(List<SQSMessage> messages) {
        if (messages.isEmpty()) {
            return false;
        }
        String queueArn = messages.getFirst().getEventSourceArn();
        return queueArn != null && queueArn.endsWith(".fifo");
    }

    private List<BatchItemFailure> sequentially(List<SQSMessage> messages, Context context, MessageHandler handler,
            boolean stopAtFirstFailure) {
        List<BatchItemFailure> failures = new ArrayList<>();
        for (SQSMessage message : messages) {
            if (stopAtFirstFailure && !failures.isEmpty()) {
                failures.add(item(message));
                continue;
            }
            if (handle(message, context, handler) != null) {
                failures.add(item(message));
            }
        }
        return failures;
    }

    private List<BatchItemFailure> concurrently(List<SQSMessage> messages, Context context, MessageHandler handler) {
        List<Future<Throwable>> outcomes = new ArrayList<>(messages.size());
        // A new thread starts with an empty MDC: each takes the invocation's entries along.
        Map<String, String> invocation = MDC.getCopyOfContextMap();
        // close() waits for every handler; if this thread is interrupted it cancels the rest, and a
        // cancelled message is reported failed so SQS hands it out again.
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (SQSMessage message : messages) {
                outcomes.add(threads.submit((Callable<Throwable>) () -> {
                    if (invocation != null) {
                        MDC.setContextMap(invocation);
                    }
                    return handle(message, context, handler);
                }));
            }
        }
        List<BatchItemFailure> failures = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            Future<Throwable> outcome = outcomes.get(i);
            switch (outcome.state()) {
                case SUCCESS -> {
                    if (outcome.resultNow() != null) {
                        failures.add(item(messages.get(i)));
                    }
                }
                case FAILED -> failures.add(failed(messages.get(i), rethrowIfFatal(outcome.exceptionNow())));
                default -> failures.add(failed(messages.get(i), new CancellationException("handler cancelled")));
            }
        }
        return failures;
    }

    /** Runs the handler on one message; returns what it threw (logged), or null when it succeeded. */
    private static Throwable handle(SQSMessage message, Context context, MessageHandler handler) {
        try (LogContext record = LogContext.with(Map.of(LogContext.MESSAGE_ID, String.valueOf(message.getMessageId())))) {
            try {
                handler.handle(message, context);
                return null;
            } catch (Throwable t) {
                rethrowIfFatal(t);
                log(t);
                return t;
            }
        }
    }

    // The JVM may be unusable after these; failing the invocation makes Lambda retry the whole batch
    // in a fresh environment, which beats reporting guesses from this one.
    private static Throwable rethrowIfFatal(Throwable t) {
        if (t instanceof VirtualMachineError fatal) {
            throw fatal;
        }
        return t;
    }

    private static BatchItemFailure failed(SQSMessage message, Throwable failure) {
        try (LogContext record = LogContext.with(Map.of(LogContext.MESSAGE_ID, String.valueOf(message.getMessageId())))) {
            log(failure);
        }
        return item(message);
    }

    private static void log(Throwable failure) {
        LOG.atError().setMessage("message failed; reported as a batch item failure")
                .addKeyValue("error", String.valueOf(failure)).log();
    }

    private static BatchItemFailure item(SQSMessage message) {
        return BatchItemFailure.builder().withItemIdentifier(message.getMessageId()).build();
    }
}
