package dev.sluice.operations.dlq;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Messages of a DLQ read without being consumed: each received is held invisible while it is worked on, and every
 * one not deleted is made visible again at {@link #close()} (ChangeMessageVisibility to 0) — on the error paths too.
 * A DLQ has no consumer, so holding its messages takes nothing from anyone.
 */
final class HeldMessages implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HeldMessages.class);
    private static final int BATCH = 10;
    /** SQS's upper bound of a visibility timeout. */
    private static final int MAX_VISIBILITY = 43_200;
    private static final int CONFIRM_EMPTY_TRIES = 3;

    private final SqsClient sqs;
    private final String queueUrl;
    private final int visibilitySeconds;
    private final Map<String, Message> held = new LinkedHashMap<>();

    HeldMessages(SqsClient sqs, String queueUrl, int visibilitySeconds) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.visibilitySeconds = visibilitySeconds;
    }

    /**
     * The next messages, up to 10, held invisible; empty when the DLQ has no visible message left. A short poll may
     * miss messages on AWS (it samples servers), so an empty answer is believed only when the queue's visible count
     * agrees, or after a few long polls.
     */
    List<Message> next() {
        for (int tries = 0; ; tries++) {
            int wait = tries == 0 ? 0 : 1;
            List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(BATCH)
                    .visibilityTimeout(visibilitySeconds).waitTimeSeconds(wait).messageAttributeNames("All")
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
            List<Message> fresh = new ArrayList<>();
            for (Message m : batch) {
                if (held.putIfAbsent(m.messageId(), m) == null) {
                    fresh.add(m);
                }
            }
            if (!fresh.isEmpty() || tries >= CONFIRM_EMPTY_TRIES || visibleCount() == 0) {
                return fresh;
            }
        }
    }

    private long visibleCount() {
        return Long.parseLong(sqs.getQueueAttributes(b -> b.queueUrl(queueUrl)
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).attributes()
                .getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0"));
    }

    /** Keeps {@code messages} invisible for {@code seconds} more from now (capped at SQS's 12 hours). */
    void hold(Collection<Message> messages, long seconds) {
        changeVisibility(messages, (int) Math.min(MAX_VISIBILITY, Math.max(0, seconds)));
    }

    /** Deletes a message from the DLQ: call only once it is safely elsewhere. */
    void delete(Message message) {
        sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
        held.remove(message.messageId());
    }

    /** Makes every held message visible again at once. */
    @Override
    public void close() {
        try {
            changeVisibility(held.values(), 0);
        } catch (RuntimeException e) {
            // They come back by themselves when their visibility timeout ends.
            LOG.warn("could not release {} message(s) of {}: they reappear within {} s: {}", held.size(), queueUrl,
                    visibilitySeconds, e.toString());
        }
        held.clear();
    }

    private void changeVisibility(Collection<Message> messages, int seconds) {
        List<Message> all = List.copyOf(messages);
        for (int from = 0; from < all.size(); from += BATCH) {
            List<Message> slice = all.subList(from, Math.min(all.size(), from + BATCH));
            List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
            for (int i = 0; i < slice.size(); i++) {
                entries.add(ChangeMessageVisibilityBatchRequestEntry.builder().id(String.valueOf(i))
                        .receiptHandle(slice.get(i).receiptHandle()).visibilityTimeout(seconds).build());
            }
            var response = sqs.changeMessageVisibilityBatch(b -> b.queueUrl(queueUrl).entries(entries));
            if (response.hasFailed() && !response.failed().isEmpty()) {
                LOG.warn("visibility of {} message(s) of {} not changed: {}", response.failed().size(), queueUrl,
                        response.failed().get(0).message());
            }
        }
    }
}
