package dev.sluice.operations.dlq;

import java.util.Map;

/**
 * A DLQ message as {@code sluice dlq peek} shows it: read, then made visible again, never consumed.
 *
 * @param messageId SQS's id of the message in the DLQ
 * @param body the body as it is in the DLQ (an EventBridge event, or for {@code on-failure} Lambda's invocation record)
 * @param job the job the body is about, pulled out of it; null when it is about none
 * @param attributes the message attributes (SluiceErrorCode, RULE_ARN, TARGET_ARN, SluiceReplayCount...), as text
 * @param receiveCount SQS's ApproximateReceiveCount, this peek included
 * @param firstReceivedAt ISO-8601 time of the first receive from the DLQ (ApproximateFirstReceiveTimestamp)
 * @param sentAt ISO-8601 time the message was sent to the DLQ (SentTimestamp)
 * @param replayCount how often it was replayed already (the {@code SluiceReplayCount} attribute, or for a
 *     "Job Submitted" event the job's {@code replays}, whichever is higher)
 * @param failure why it failed, from the message itself or from the job or document it is about
 */
public record PeekedMessage(String messageId, String body, JobRef job, Map<String, String> attributes,
        int receiveCount, String firstReceivedAt, String sentAt, int replayCount, Failure failure) {

    public PeekedMessage {
        attributes = Map.copyOf(attributes);
    }

    /** The job an event is about ({@code detail.type}, {@code detail.tenantId}, {@code detail.jobId}). */
    public record JobRef(String type, String tenantId, String jobId) {
    }

    /**
     * Why a message failed.
     *
     * @param code a stable failure code: the worker's SluiceErrorCode, EventBridge's ERROR_CODE, Lambda's errorType
     *     or condition, else the job's or the document's error code; {@code unknown} when nothing recorded one (SQS
     *     moved the message after maxReceiveCount and the row says nothing)
     * @param message the human-readable reason, or null
     * @param recordedOn where the code came from: {@code message}, {@code job}, {@code document} or {@code none}
     * @param status the job's or the document's status (FAILED, SUCCEEDED...), null when none was found
     * @param attempts the job's attempts so far, null when no job was found
     * @param retryable whether the job's error is retryable (a replay can succeed), null when unknown
     */
    public record Failure(String code, String message, String recordedOn, String status, Integer attempts,
            Boolean retryable) {

        static Failure unknown() {
            return new Failure("unknown", null, "none", null, null, null);
        }
    }
}
