package dev.sluice.operations.dlq;

import java.util.List;

/**
 * One dead-letter queue as {@code sluice dlq list} shows it.
 *
 * @param name the DLQ's topology name ({@code email-dlq}, {@code event-delivery-dlq}, {@code notifier-dlq})
 * @param kind {@code queue}, {@code event-target} or {@code on-failure} ({@link DeadLetterQueue.Kind#wire()}): how a
 *     replay sends its messages back
 * @param sources where its messages failed: the source queue, the rules whose targets dead-letter here, or the
 *     functions whose asynchronous invocations do
 * @param depth messages waiting (SQS's ApproximateNumberOfMessages)
 * @param inFlight messages received and not yet deleted or released (ApproximateNumberOfMessagesNotVisible): a
 *     replay or peek at work, or one that was killed and whose messages come back when their visibility ends
 * @param oldestSentAt ISO-8601 time the oldest <em>sampled</em> message was sent to the DLQ (its SentTimestamp);
 *     null when none was sampled. Sampled, so a lower bound of the true age when depth exceeds
 *     {@code sampled}; on AWS, CloudWatch's ApproximateAgeOfOldestMessage is exact
 * @param ageOfOldestSeconds now minus {@code oldestSentAt}, in seconds; null when none was sampled
 * @param sampled how many messages were read (without consuming them) for the age and the reasons
 * @param topReasons the most frequent failure codes among the sampled messages, most frequent first (at most 3)
 */
public record DlqSummary(String name, String kind, List<String> sources, long depth, long inFlight,
        String oldestSentAt, Long ageOfOldestSeconds, int sampled, List<ReasonCount> topReasons) {

    public DlqSummary {
        sources = List.copyOf(sources);
        topReasons = List.copyOf(topReasons);
    }

    /** A failure code and how many of the sampled messages carry it. */
    public record ReasonCount(String code, int count) {
    }
}
