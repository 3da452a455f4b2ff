package dev.sluice.local.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.json.Json;
import dev.sluice.local.AwsIdentity;
import dev.sluice.local.LocalRuntime;
import dev.sluice.local.support.Clients;
import dev.sluice.local.support.Invocations;
import dev.sluice.local.support.TestTopology;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.EventBridgeException;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;
import software.amazon.awssdk.services.eventbridge.model.ResourceNotFoundException;
import software.amazon.awssdk.services.eventbridge.model.Rule;
import software.amazon.awssdk.services.eventbridge.model.Target;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/** The local EventBridge through the stock {@link EventBridgeClient}: the wire format, routing and target DLQs. */
class EventBridgeApiTest {

    @TempDir
    static Path state;
    static LocalRuntime runtime;
    static EventBridgeClient events;
    static SqsClient sqs;
    static final Invocations invocations = new Invocations();

    @BeforeAll
    static void start() throws Exception {
        LocalRuntime.Options defaults = LocalRuntime.Options.defaults();
        runtime = LocalRuntime.start(TestTopology.create(), state, new LocalRuntime.Options(defaults.identity(),
                defaults.targetBackoff(), 100, defaults.handlerClassLoader(), defaults.profileValues()));
        runtime.lambda().addListener(invocations);
        events = Clients.events(runtime.endpoints());
        sqs = Clients.sqs(runtime.endpoints());
    }

    @AfterAll
    static void stop() {
        events.close();
        sqs.close();
        runtime.close();
    }

    @Test
    void anEventPutWithTheSdkReachesTheHandlerThroughItsRuleAndQueue() throws Exception {
        String marker = UUID.randomUUID().toString();
        PutEventsResponse response = events.putEvents(b -> b.entries(entry("test", "{\"marker\":\"" + marker + "\"}")));

        assertThat(response.failedEntryCount()).isZero();
        String eventId = response.entries().get(0).eventId();
        invocations.await(Duration.ofSeconds(20), "the event at the handler", all -> all.stream()
                .flatMap(i -> i.bodies().stream()).anyMatch(b -> b.contains(marker)));

        JsonNode delivered = Json.parse(invocations.bodiesSeenBy(TestTopology.FUNCTION).stream()
                .filter(b -> b.contains(marker)).findFirst().orElseThrow());
        assertThat(delivered.get("id").asText()).isEqualTo(eventId);
        assertThat(delivered.get("source").asText()).isEqualTo("test");
        assertThat(delivered.get("detail-type").asText()).isEqualTo("Test Happened");
        assertThat(delivered.get("account").asText()).isEqualTo(AwsIdentity.LOCAL.accountId());
        assertThat(delivered.get("detail").get("marker").asText()).isEqualTo(marker);
        List<String> fields = new java.util.ArrayList<>();
        delivered.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("version", "id", "detail-type",
                "source", "account", "time", "region", "resources", "detail");
    }

    @Test
    void aLambdaTargetGetsTheEventAsItsEventTypeAndAFailureIsRetriedTwice() throws Exception {
        String marker = UUID.randomUUID().toString();
        String failing = UUID.randomUUID().toString();
        events.putEvents(b -> b.entries(entry("direct", "{\"marker\":\"" + marker + "\"}"),
                entry("direct", "{\"marker\":\"" + failing + "\",\"throw\":true}")));

        invocations.await(Duration.ofSeconds(20), "the function's answer and three tries of the failing event",
                all -> all.stream().anyMatch(i -> marker.equals(i.payload().path("detail").path("marker").asText())
                        && i.response() != null)
                        && all.stream().filter(i -> failing.equals(i.payload().path("detail").path("marker").asText()))
                                .count() == 3);

        Invocations.Invocation ok = invocations.of(TestTopology.EVENT_FUNCTION).stream()
                .filter(i -> marker.equals(i.payload().path("detail").path("marker").asText())).findFirst().orElseThrow();
        assertThat(ok.response()).isEqualTo("\"direct|Test Happened|" + marker + "|000000000000|on-event\"");
        assertThat(invocations.of(TestTopology.EVENT_FUNCTION).stream()
                .filter(i -> failing.equals(i.payload().path("detail").path("marker").asText())))
                .allSatisfy(i -> assertThat(i.error().errorType()).isEqualTo(IllegalStateException.class.getName()));
    }

    @Test
    void anEntryForABusThatDoesNotExistIsAcceptedAndDroppedAsOnAws() {
        PutEventsResponse response = events.putEvents(b -> b.entries(PutEventsRequestEntry.builder()
                .eventBusName("no-such-bus").source("test").detailType("T").detail("{}").build()));

        assertThat(response.failedEntryCount()).isZero();
        assertThat(response.entries().get(0).eventId()).isNotBlank();
    }

    @Test
    void invalidEntriesGetAwsPerEntryErrorsWhileTheRestGoThrough() {
        PutEventsResponse response = events.putEvents(b -> b.entries(
                PutEventsRequestEntry.builder().eventBusName(TestTopology.BUS).detailType("T").detail("{}").build(),
                PutEventsRequestEntry.builder().eventBusName(TestTopology.BUS).source("test").detail("{}").build(),
                PutEventsRequestEntry.builder().eventBusName(TestTopology.BUS).source("test").detailType("T").build(),
                entry("test", "[1, 2]"),
                entry("test", "{not json"),
                entry("test", "{\"fine\": true}")));

        assertThat(response.failedEntryCount()).isEqualTo(5);
        List<PutEventsResultEntry> results = response.entries();
        assertThat(results.get(0).errorCode()).isEqualTo("InvalidArgument");
        assertThat(results.get(0).errorMessage())
                .isEqualTo("Parameter Source is not valid. Reason: Source is a required argument.");
        assertThat(results.get(1).errorMessage())
                .isEqualTo("Parameter DetailType is not valid. Reason: DetailType is a required argument.");
        assertThat(results.get(2).errorMessage())
                .isEqualTo("Parameter Detail is not valid. Reason: Detail is a required argument.");
        assertThat(results.get(3).errorCode()).isEqualTo("MalformedDetail");
        assertThat(results.get(3).errorMessage()).isEqualTo("Detail is malformed.");
        assertThat(results.get(4).errorCode()).isEqualTo("MalformedDetail");
        assertThat(results.get(5).eventId()).isNotBlank();
        assertThat(results.get(5).errorCode()).isNull();
    }

    @Test
    void everyAcceptedEventIsArchivedOnItsBus() {
        String marker = UUID.randomUUID().toString();
        events.putEvents(b -> b.entries(entry("nobody-listens", "{\"marker\":\"" + marker + "\"}")));

        EventArchive archive = new EventArchive(state.resolve("events").resolve("archive"));
        assertThat(archive.events(TestTopology.BUS)).anyMatch(line -> line.contains(marker));
    }

    @Test
    void moreThanTenEntriesIsAValidationError() {
        List<PutEventsRequestEntry> eleven = IntStream.range(0, 11).mapToObj(i -> entry("test", "{}")).toList();

        assertThatThrownBy(() -> events.putEvents(b -> b.entries(eleven)))
                .isInstanceOfSatisfying(EventBridgeException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
                });
    }

    @Test
    void rulesAndTargetsAreListedAsDeclared() {
        List<Rule> rules = events.listRules(b -> b.eventBusName(TestTopology.BUS)).rules();
        assertThat(rules).extracting(Rule::name).containsExactly("to-work", "to-doomed", "to-function");
        assertThat(rules.get(0).eventPattern()).isEqualTo("{\"source\":[\"test\"]}");
        assertThat(rules.get(0).arn()).isEqualTo("arn:aws:events:us-east-1:000000000000:rule/test-bus/to-work");

        assertThat(events.describeRule(b -> b.eventBusName(TestTopology.BUS).name("to-work")).description())
                .isEqualTo("test events to the work queue");

        List<Target> targets = events.listTargetsByRule(b -> b.eventBusName(TestTopology.BUS).rule("to-work")).targets();
        assertThat(targets).singleElement().satisfies(t -> {
            assertThat(t.arn()).isEqualTo(AwsIdentity.LOCAL.sqsArn("work"));
            assertThat(t.deadLetterConfig().arn()).isEqualTo(AwsIdentity.LOCAL.sqsArn("delivery-dlq"));
            assertThat(t.retryPolicy().maximumRetryAttempts()).isEqualTo(2);
        });

        assertThat(events.listRules(b -> b.eventBusName(TestTopology.BUS).namePrefix("to-d")).rules())
                .extracting(Rule::name).containsExactly("to-doomed");
        assertThat(events.listRules(b -> b.eventBusName(TestTopology.BUS).limit(1)).nextToken()).isNotNull();
    }

    @Test
    void anUnknownRuleOrBusIsResourceNotFound() {
        assertThatThrownBy(() -> events.describeRule(b -> b.eventBusName(TestTopology.BUS).name("nope")))
                .isInstanceOf(ResourceNotFoundException.class)
                .hasMessageContaining("Rule nope does not exist on EventBus test-bus.");
        assertThatThrownBy(() -> events.listRules(b -> b.eventBusName("no-such-bus")))
                .isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void anEventItsTargetCannotTakeGoesToTheTargetDlqWithEventBridgesAttributes() throws Exception {
        sqs.deleteQueue(b -> b.queueUrl(sqs.getQueueUrl(q -> q.queueName("doomed")).queueUrl()));
        String marker = UUID.randomUUID().toString();
        events.putEvents(b -> b.entries(entry("doomed", "{\"marker\":\"" + marker + "\"}")));

        String dlq = sqs.getQueueUrl(b -> b.queueName("delivery-dlq")).queueUrl();
        Message dead = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (dead == null && System.nanoTime() < deadline) {
            dead = sqs.receiveMessage(b -> b.queueUrl(dlq).waitTimeSeconds(1).messageAttributeNames("All"))
                    .messages().stream().filter(m -> m.body().contains(marker)).findFirst().orElse(null);
        }

        assertThat(dead).as("event in the target DLQ").isNotNull();
        Map<String, MessageAttributeValue> attributes = dead.messageAttributes();
        assertThat(attributes.get("RULE_ARN").stringValue())
                .isEqualTo("arn:aws:events:us-east-1:000000000000:rule/test-bus/to-doomed");
        assertThat(attributes.get("TARGET_ARN").stringValue()).isEqualTo(AwsIdentity.LOCAL.sqsArn("doomed"));
        assertThat(attributes.get("ERROR_CODE").stringValue()).isEqualTo("NO_RESOURCE");
        assertThat(attributes.get("RETRY_ATTEMPTS").stringValue()).isEqualTo("0");
        assertThat(attributes).doesNotContainKey("EXHAUSTED_RETRY_CONDITION");
    }

    private static PutEventsRequestEntry entry(String source, String detail) {
        return PutEventsRequestEntry.builder().eventBusName(TestTopology.BUS).source(source).detailType("Test Happened")
                .detail(detail).time(Instant.now()).build();
    }
}
