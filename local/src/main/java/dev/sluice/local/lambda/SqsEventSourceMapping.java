package dev.sluice.local.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.json.Json;
import dev.sluice.core.topology.FunctionSpec.SqsTrigger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * An SQS event source mapping with Lambda's semantics: batches of up to {@code batchSize} gathered
 * for at most the batching window, at most {@code maximumConcurrency} invocations at once. A
 * returned invocation deletes its batch, except the {@code batchItemFailures} it reports; a thrown
 * error or a malformed batch response deletes nothing. What is not deleted comes back after the
 * visibility timeout, and SQS moves it to the DLQ after maxReceiveCount.
 */
public final class SqsEventSourceMapping implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(SqsEventSourceMapping.class.getName());
    private static final int SQS_MAX_RECEIVE = 10;
    /**
     * Long polls, as Lambda's pollers make: ElasticMQ answers at once when a message arrives, and
     * an idle runtime makes few requests. Shutdown does not wait for a poll to end.
     */
    private static final int IDLE_WAIT_SECONDS = 10;

    private final String function;
    private final SqsTrigger trigger;
    private final String queueUrl;
    private final String queueArn;
    private final String region;
    private final SqsClient sqs;
    private final LocalLambda lambda;
    private final Semaphore slots;
    private final ExecutorService invocations;
    private final Thread poller;
    private volatile boolean running = true;

    public SqsEventSourceMapping(String function, SqsTrigger trigger, String queueUrl, String queueArn, String region,
            SqsClient sqs, LocalLambda lambda) {
        this.function = function;
        this.trigger = trigger;
        this.queueUrl = queueUrl;
        this.queueArn = queueArn;
        this.region = region;
        this.sqs = sqs;
        this.lambda = lambda;
        this.slots = new Semaphore(trigger.maximumConcurrency());
        this.invocations = Executors.newFixedThreadPool(trigger.maximumConcurrency(),
                Thread.ofPlatform().name("esm-" + function + "-", 0).daemon(true).factory());
        this.poller = Thread.ofPlatform().name("esm-poller-" + function).daemon(true).unstarted(this::poll);
    }

    public void start() {
        poller.start();
    }

    private void poll() {
        while (running) {
            try {
                slots.acquire();
                List<Message> batch = gather();
                if (batch.isEmpty()) {
                    slots.release();
                    continue;
                }
                invocations.execute(() -> {
                    try {
                        process(batch);
                    } finally {
                        slots.release();
                    }
                });
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                slots.release();
                if (running) {
                    LOG.log(Level.WARNING, "polling " + queueUrl + " for " + function + " failed: " + e);
                    sleepQuietly(500);
                }
            }
        }
    }

    /** Receives until the batch is full or the batching window, opened by the first message, closes. */
    private List<Message> gather() {
        List<Message> batch = new ArrayList<>();
        long windowEnds = 0;
        while (running && batch.size() < trigger.batchSize()) {
            // Inside the window, wait for what is left of it (rounded up: SQS waits whole seconds).
            int wait = batch.isEmpty() ? IDLE_WAIT_SECONDS
                    : (int) Math.ceil(Math.max(0, windowEnds - System.nanoTime()) / 1e9);
            int max = Math.min(SQS_MAX_RECEIVE, trigger.batchSize() - batch.size());
            List<Message> received = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(max)
                    .waitTimeSeconds(wait).messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                    .messageAttributeNames("All")).messages();
            if (batch.isEmpty()) {
                if (received.isEmpty()) {
                    return batch;
                }
                windowEnds = System.nanoTime() + TimeUnit.SECONDS.toNanos(trigger.maximumBatchingWindowSeconds());
            }
            batch.addAll(received);
            if (System.nanoTime() >= windowEnds) {
                break;
            }
        }
        return batch;
    }

    private void process(List<Message> batch) {
        byte[] response;
        try {
            response = lambda.invoke(function, sqsEvent(batch));
        } catch (FunctionError e) {
            LOG.log(Level.WARNING, function + " failed a batch of " + batch.size() + " (" + e.errorType() + ": "
                    + e.getMessage() + "); every message returns after the visibility timeout");
            return;
        }
        Set<String> failed = trigger.reportBatchItemFailures() ? failedIds(response, batch) : Set.of();
        if (failed == null) {
            LOG.log(Level.WARNING, function + " returned a malformed batch response; the whole batch counts as failed: "
                    + new String(response, StandardCharsets.UTF_8));
            return;
        }
        delete(batch.stream().filter(m -> !failed.contains(m.messageId())).toList());
    }

    /** The reported failures, or null when the response is malformed (Lambda then fails the whole batch). */
    static Set<String> failedIds(byte[] response, List<Message> batch) {
        String text = new String(response, StandardCharsets.UTF_8).trim();
        if (text.isEmpty() || text.equals("null")) {
            return Set.of();
        }
        JsonNode node;
        try {
            node = Json.parse(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (!node.isObject()) {
            return null;
        }
        JsonNode failures = node.get("batchItemFailures");
        if (failures == null || failures.isNull()) {
            return Set.of();
        }
        if (!failures.isArray()) {
            return null;
        }
        Set<String> inBatch = new HashSet<>();
        batch.forEach(m -> inBatch.add(m.messageId()));
        Set<String> ids = new HashSet<>();
        for (JsonNode failure : failures) {
            JsonNode id = failure.get("itemIdentifier");
            if (id == null || !id.isTextual() || id.asText().isEmpty() || !inBatch.contains(id.asText())) {
                return null;
            }
            ids.add(id.asText());
        }
        return ids;
    }

    private void delete(List<Message> done) {
        for (int i = 0; i < done.size(); i += SQS_MAX_RECEIVE) {
            List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
            List<Message> chunk = done.subList(i, Math.min(done.size(), i + SQS_MAX_RECEIVE));
            for (int j = 0; j < chunk.size(); j++) {
                entries.add(DeleteMessageBatchRequestEntry.builder().id(String.valueOf(j))
                        .receiptHandle(chunk.get(j).receiptHandle()).build());
            }
            var result = sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
            if (result.hasFailed() && !result.failed().isEmpty()) {
                LOG.log(Level.WARNING, "could not delete " + result.failed().size() + " processed messages from "
                        + queueUrl + "; they will be delivered again");
            }
        }
    }

    /** The SQS event exactly as Lambda sends it. */
    private byte[] sqsEvent(List<Message> batch) {
        ObjectNode event = Json.object();
        ArrayNode records = event.putArray("Records");
        for (Message m : batch) {
            ObjectNode r = records.addObject();
            r.put("messageId", m.messageId());
            r.put("receiptHandle", m.receiptHandle());
            r.put("body", m.body());
            ObjectNode attributes = r.putObject("attributes");
            for (Map.Entry<MessageSystemAttributeName, String> a : m.attributes().entrySet()) {
                attributes.put(a.getKey().toString(), a.getValue());
            }
            ObjectNode messageAttributes = r.putObject("messageAttributes");
            for (Map.Entry<String, MessageAttributeValue> a : m.messageAttributes().entrySet()) {
                ObjectNode v = messageAttributes.putObject(a.getKey());
                v.put("stringValue", a.getValue().stringValue());
                v.putArray("stringListValues");
                v.putArray("binaryListValues");
                v.put("dataType", a.getValue().dataType());
            }
            r.put("md5OfBody", m.md5OfBody());
            r.put("eventSource", "aws:sqs");
            r.put("eventSourceARN", queueArn);
            r.put("awsRegion", region);
        }
        return Json.write(event).getBytes(StandardCharsets.UTF_8);
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops polling and lets the invocations in flight finish, so none of their deletes is lost.
     * A poll still open ends when SQS stops; a batch it brings back is never invoked and returns to
     * the queue after the visibility timeout.
     */
    @Override
    public void close() {
        running = false;
        invocations.shutdown();
        try {
            invocations.awaitTermination(lambda.function(function).spec().timeoutSeconds() + 5L, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
