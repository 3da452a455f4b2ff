package dev.sluice.workers.batch;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * What a worker does to a message beyond succeeding or failing it: delay its next delivery, or
 * move it to a dead-letter queue at once with the reason, when no retry can help (a poison message
 * must never loop through its receives).
 */
public final class QueueMessages {

    /**
     * How many times an operator replayed the message (set by {@code sluice dlq replay}); carried into the DLQ
     * here, so a poison message replayed again and again meets the replay's loop guard.
     */
    public static final String REPLAY_COUNT = "SluiceReplayCount";

    private final SqsClient sqs;
    private final Map<String, String> queueUrls = new ConcurrentHashMap<>();

    public QueueMessages(SqsClient sqs) {
        this.sqs = sqs;
    }

    /** The message comes back after {@code seconds} instead of the queue's visibility timeout. */
    public void delay(SQSMessage message, int seconds) {
        String[] arn = message.getEventSourceArn().split(":");
        sqs.changeMessageVisibility(b -> b.queueUrl(queueUrl(arn[4], arn[5]))
                .receiptHandle(message.getReceiptHandle()).visibilityTimeout(seconds));
    }

    /**
     * Sends a copy of the message back to its own queue, delivered after {@code delaySeconds} (SQS takes at
     * most 900) with a fresh receive count, carrying the string and number attributes it came with,
     * overridden by {@code attributes}; the caller then lets the original be deleted. For a message that
     * must wait longer than its retries allow without moving towards the dead-letter queue.
     */
    public void resend(SQSMessage message, int delaySeconds, Map<String, String> attributes) {
        String[] arn = message.getEventSourceArn().split(":");
        Map<String, MessageAttributeValue> carried = new HashMap<>();
        if (message.getMessageAttributes() != null) {
            message.getMessageAttributes().forEach((name, value) -> {
                if (value.getStringValue() != null) {
                    carried.put(name, MessageAttributeValue.builder().dataType(value.getDataType())
                            .stringValue(value.getStringValue()).build());
                }
            });
        }
        attributes.forEach((name, value) -> carried.put(name, MessageAttributeValue.builder().dataType("Number")
                .stringValue(value).build()));
        sqs.sendMessage(b -> b.queueUrl(queueUrl(arn[4], arn[5])).messageBody(message.getBody())
                .delaySeconds(delaySeconds).messageAttributes(carried));
    }

    /**
     * Sends a copy to {@code deadLetterQueue} (in the source queue's account) with
     * {@code SluiceErrorCode}, {@code SluiceErrorMessage}, {@code SluiceSourceQueue} and
     * {@code SluiceSourceMessageId}, and the {@link #REPLAY_COUNT} it came with; the caller then lets the
     * original be deleted.
     *
     * @throws IllegalStateException when no dead-letter queue is configured: the message is then
     *     left to the queue's own redrive policy
     */
    public void toDeadLetterQueue(SQSMessage message, String deadLetterQueue, String code, String reason) {
        if (deadLetterQueue.isEmpty()) {
            throw new IllegalStateException(reason + " (no DEAD_LETTER_QUEUE set: left to the queue's redrive)");
        }
        String[] arn = message.getEventSourceArn().split(":");
        String dlqUrl = queueUrl(arn[4], deadLetterQueue);
        Map<String, MessageAttributeValue> attributes = new HashMap<>(Map.of(
                "SluiceErrorCode", text(code), "SluiceErrorMessage", text(reason),
                "SluiceSourceQueue", text(arn[5]), "SluiceSourceMessageId", text(message.getMessageId())));
        SQSEvent.MessageAttribute replays = message.getMessageAttributes() == null ? null
                : message.getMessageAttributes().get(REPLAY_COUNT);
        if (replays != null && replays.getStringValue() != null) {
            attributes.put(REPLAY_COUNT, MessageAttributeValue.builder().dataType("Number")
                    .stringValue(replays.getStringValue()).build());
        }
        sqs.sendMessage(b -> b.queueUrl(dlqUrl).messageBody(message.getBody()).messageAttributes(attributes));
    }

    /** A queue's URL by account and name (from an ARN: {@code arn:aws:sqs:region:account:name}), looked up once. */
    private String queueUrl(String account, String name) {
        return queueUrls.computeIfAbsent(account + ":" + name, k -> sqs.getQueueUrl(b -> b.queueName(name)
                .queueOwnerAWSAccountId(account)).queueUrl());
    }

    private static MessageAttributeValue text(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }
}
