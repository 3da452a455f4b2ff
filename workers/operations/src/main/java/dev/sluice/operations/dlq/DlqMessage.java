package dev.sluice.operations.dlq;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.json.Json;
import dev.sluice.workers.batch.QueueMessages;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * A DLQ message read apart: its body as JSON (null when it is not JSON), the event it carries (for Lambda's
 * on-failure record, the record's {@code requestPayload}), the job that event is about, and SQS's attributes.
 */
record DlqMessage(Message message, JsonNode body, JsonNode invocationRecord, JsonNode event,
        PeekedMessage.JobRef job, Map<String, String> attributes) {

    /** The message attribute counting a message's replays; SQS sends carry it, incremented. */
    static final String REPLAY_COUNT = QueueMessages.REPLAY_COUNT;

    static DlqMessage of(Message message) {
        JsonNode body;
        try {
            body = Json.parse(message.body());
        } catch (IllegalArgumentException notJson) {
            body = null;
        }
        JsonNode record = body != null && body.has("requestContext") && body.has("requestPayload") ? body : null;
        JsonNode event = record != null ? record.get("requestPayload") : body;
        return new DlqMessage(message, body, record, event, jobOf(event), text(message.messageAttributes()));
    }

    private static PeekedMessage.JobRef jobOf(JsonNode event) {
        if (event == null || !event.path("detail").hasNonNull("jobId")) {
            return null;
        }
        JsonNode detail = event.get("detail");
        return new PeekedMessage.JobRef(detail.path("type").asText(null), detail.path("tenantId").asText(null),
                detail.get("jobId").asText());
    }

    private static Map<String, String> text(Map<String, MessageAttributeValue> attributes) {
        Map<String, String> text = new TreeMap<>();
        attributes.forEach((name, value) -> text.put(name, value.stringValue() != null ? value.stringValue()
                : value.binaryValue() != null ? "(binary, " + value.binaryValue().asByteArray().length + " bytes)" : ""));
        return text;
    }

    String messageId() {
        return message.messageId();
    }

    /** The replays recorded on the message itself (0 when none). */
    int replayCountAttribute() {
        try {
            return Integer.parseInt(attributes.getOrDefault(REPLAY_COUNT, "0").trim());
        } catch (NumberFormatException garbled) {
            return 0;
        }
    }

    /** Whether the event is a "Job Submitted": its job's {@code replays} count the replays of this very message. */
    boolean isJobSubmitted() {
        return event != null && "Job Submitted".equals(event.path("detail-type").asText());
    }

    /** What a replay sends: the body, or for an on-failure record its request payload as JSON text. */
    String payload() {
        if (invocationRecord == null) {
            return message.body();
        }
        JsonNode payload = invocationRecord.get("requestPayload");
        return payload.isTextual() ? payload.asText() : Json.write(payload);
    }

    int receiveCount() {
        String count = message.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT);
        return count == null ? 0 : Integer.parseInt(count);
    }

    Instant sentAt() {
        return epochMillis(MessageSystemAttributeName.SENT_TIMESTAMP);
    }

    Instant firstReceivedAt() {
        return epochMillis(MessageSystemAttributeName.APPROXIMATE_FIRST_RECEIVE_TIMESTAMP);
    }

    private Instant epochMillis(MessageSystemAttributeName name) {
        String millis = message.attributes().get(name);
        return millis == null ? null : Instant.ofEpochMilli(Long.parseLong(millis));
    }
}
