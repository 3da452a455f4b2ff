package dev.sluice.local.support;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test handler loaded by class name, whose behaviour each message body scripts: a body containing
 * {@code fail} is reported as a batch item failure, {@code throw} fails the whole invocation,
 * {@code malformed} returns a batch response naming a message not in the batch, {@code sleep}
 * outlives the function timeout, {@code slow} takes 300 ms. Anything else succeeds. It counts
 * how many invocations of each function run at once.
 */
public final class ScriptedHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private static final Map<String, AtomicInteger> RUNNING = new ConcurrentHashMap<>();
    private static final Map<String, AtomicInteger> MOST_AT_ONCE = new ConcurrentHashMap<>();

    /** The most invocations of {@code function} seen running at the same time. */
    public static int mostAtOnce(String function) {
        return MOST_AT_ONCE.getOrDefault(function, new AtomicInteger()).get();
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        String function = context.getFunctionName();
        int now = RUNNING.computeIfAbsent(function, f -> new AtomicInteger()).incrementAndGet();
        MOST_AT_ONCE.computeIfAbsent(function, f -> new AtomicInteger()).accumulateAndGet(now, Math::max);
        try {
            return handle(event, context);
        } finally {
            RUNNING.get(function).decrementAndGet();
        }
    }

    private SQSBatchResponse handle(SQSEvent event, Context context) {
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        for (SQSEvent.SQSMessage m : event.getRecords()) {
            String body = m.getBody();
            if (body.contains("throw")) {
                throw new IllegalStateException("scripted to throw");
            }
            if (body.contains("slow")) {
                sleep(300);
            }
            if (body.contains("sleep")) {
                sleep(context.getRemainingTimeInMillis() + 1500L);
            }
            if (body.contains("malformed")) {
                failures.add(SQSBatchResponse.BatchItemFailure.builder().withItemIdentifier("not-in-this-batch").build());
            } else if (body.contains("fail")) {
                failures.add(SQSBatchResponse.BatchItemFailure.builder().withItemIdentifier(m.getMessageId()).build());
            }
        }
        return SQSBatchResponse.builder().withBatchItemFailures(failures).build();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
