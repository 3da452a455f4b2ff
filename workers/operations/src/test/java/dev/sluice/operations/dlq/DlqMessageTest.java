package dev.sluice.operations.dlq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.json.Json;
import dev.sluice.core.topology.Definitions;
import io.github.resilience4j.ratelimiter.RateLimiter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/** How a DLQ message is read apart, routed and checked, without a stack. */
class DlqMessageTest {

    private static final String JOB_SUBMITTED = """
            {"version":"0","id":"6a7e8feb-b491-4cf7-a9f1-bf3703467718","detail-type":"Job Submitted",
             "source":"sluice.jobs","account":"000000000000","time":"2026-11-22T10:15:30Z","region":"us-east-1",
             "resources":[],"detail":{"jobId":"job_01JDB6Z2N6W6Q3HVV6TQ3KQ0AD","tenantId":"acme","userId":"u-42",
             "type":"email.send","priority":"high","submittedAt":1795342533000,"payload":{"userId":"u-42",
             "to":"ada@example.com","templateId":"welcome","data":{"name":"Ada"},"priority":"high",
             "timestamp":1795342532990}}}""";

    private static final String ON_FAILURE = """
            {"version":"1.0","timestamp":"2026-12-02T10:00:00.000Z","requestContext":{"requestId":"r-1",
             "functionArn":"arn:aws:lambda:us-east-1:000000000000:function:notifier:$LATEST",
             "condition":"RetriesExhausted","approximateInvokeCount":3},
             "requestPayload":{"version":"0","id":"e-1","detail-type":"Job Completed","source":"sluice.jobs",
             "detail":{"jobId":"job_01JDB6Z2N6W6Q3HVV6TQ3KQ0AD","tenantId":"acme"}},
             "responseContext":{"statusCode":200,"executedVersion":"$LATEST","functionError":"Unhandled"},
             "responsePayload":{"errorType":"java.lang.IllegalStateException","errorMessage":"socket closed"}}""";

    @Test
    void aJobSubmittedEventNamesItsJobAndItsReplaysAreItsAttribute() {
        DlqMessage message = DlqMessage.of(message(JOB_SUBMITTED, Map.of("SluiceReplayCount", "2")));

        assertThat(message.job()).isEqualTo(new PeekedMessage.JobRef("email.send", "acme",
                "job_01JDB6Z2N6W6Q3HVV6TQ3KQ0AD"));
        assertThat(message.isJobSubmitted()).isTrue();
        assertThat(message.replayCountAttribute()).isEqualTo(2);
        assertThat(message.payload()).isEqualTo(message.message().body());
        assertThat(DlqMessage.of(message(JOB_SUBMITTED, Map.of("SluiceReplayCount", "x"))).replayCountAttribute())
                .isZero();
    }

    @Test
    void anOnFailureRecordIsReplayedAsItsRequestPayloadAndNamesTheJobOfThatEvent() {
        DlqMessage message = DlqMessage.of(message(ON_FAILURE, Map.of()));

        assertThat(message.invocationRecord()).isNotNull();
        assertThat(Json.parse(message.payload()).get("detail-type").asText()).isEqualTo("Job Completed");
        assertThat(message.job().jobId()).isEqualTo("job_01JDB6Z2N6W6Q3HVV6TQ3KQ0AD");
        assertThat(message.isJobSubmitted()).isFalse();
    }

    @Test
    void aBodyThatIsNotJsonIsReplayedAsItIs() {
        DlqMessage message = DlqMessage.of(message("this is not json", Map.of()));

        assertThat(message.body()).isNull();
        assertThat(message.job()).isNull();
        assertThat(message.payload()).isEqualTo("this is not json");
    }

    @Test
    void anEventTargetMessageWithoutTargetArnCannotBeRouted() {
        DeadLetterQueue dlq = new DeadLetterQueue("event-delivery-dlq", DeadLetterQueue.Kind.EVENT_TARGET,
                List.of("jobs-ai"));
        assertThatThrownBy(() -> ReplayDestination.of(dlq, DlqMessage.of(message(JOB_SUBMITTED, Map.of())), null,
                new java.util.HashMap<>())).isInstanceOf(ReplayDestination.UnroutableException.class)
                .hasMessageContaining("no TARGET_ARN");
        assertThat(ReplayDestination.of(dlq, DlqMessage.of(message(JOB_SUBMITTED, Map.of("TARGET_ARN",
                "arn:aws:lambda:us-east-1:000000000000:function:notifier"))), null, new java.util.HashMap<>()))
                .isEqualTo(new ReplayDestination(ReplayDestination.Kind.FUNCTION,
                        "arn:aws:lambda:us-east-1:000000000000:function:notifier"));
        assertThat(ReplayDestination.of(dlq, DlqMessage.of(message(JOB_SUBMITTED, Map.of("TARGET_ARN",
                "arn:aws:states:us-east-1:000000000000:stateMachine:ingest-document"))), null,
                new java.util.HashMap<>()).kind()).isEqualTo(ReplayDestination.Kind.STATE_MACHINE);
        assertThat(ReplayDestination.functionName("arn:aws:lambda:us-east-1:1:function:notifier:$LATEST"))
                .isEqualTo("notifier");
    }

    @Test
    void anEditIsCheckedAgainstTheSchemaOfItsEventAndAnythingElseIsOnlyJson() {
        EventSchemas schemas = new EventSchemas(Definitions.bundledSchemas());
        assertThat(schemas.violations(Json.parse(JOB_SUBMITTED))).isNull();

        com.fasterxml.jackson.databind.node.ObjectNode broken = (com.fasterxml.jackson.databind.node.ObjectNode)
                Json.parse(JOB_SUBMITTED);
        ((com.fasterxml.jackson.databind.node.ObjectNode) broken.get("detail")).remove("tenantId");
        assertThat(schemas.violations(broken)).startsWith("breaks schema events/job-submitted: ")
                .contains("detail.tenantId");
        assertThat(EventSchemas.schemaOf(Json.parse("{\"detail-type\":\"Something Else\",\"detail\":{}}")))
                .isEqualTo("events/envelope");
        assertThat(EventSchemas.schemaOf(Json.parse("{\"anything\":1}"))).isNull();
    }

    @Test
    void theRateLimiterLetsTheFirstSendGoAtOnceAndSpacesTheRest() {
        // Resilience4j's periods start when the limiter is made, so the bound holds from then (the replay makes it
        // just before its first send).
        long started = System.nanoTime();
        RateLimiter limiter = DeadLetterOperations.limiter(20);
        for (int i = 0; i < 5; i++) {
            limiter.acquirePermission();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        assertThat(seconds).isGreaterThanOrEqualTo(4 / 20.0);
    }

    private static Message message(String body, Map<String, String> attributes) {
        Map<String, MessageAttributeValue> values = new java.util.HashMap<>();
        attributes.forEach((k, v) -> values.put(k, MessageAttributeValue.builder().dataType("String").stringValue(v)
                .build()));
        return Message.builder().messageId("m-1").receiptHandle("r-1").body(body).messageAttributes(values).build();
    }
}
