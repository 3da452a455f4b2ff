package dev.sluice.local.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.json.Json;
import dev.sluice.core.topology.FunctionSpec;
import dev.sluice.core.topology.QueueSpec;
import dev.sluice.core.topology.Topology;
import dev.sluice.local.AwsIdentity;
import dev.sluice.local.LocalRuntime;
import dev.sluice.local.support.Clients;
import dev.sluice.local.support.Invocations;
import dev.sluice.local.support.ScriptedHandler;
import dev.sluice.local.support.TestTopology;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** Queued messages, dead-letter queues included, outlive the runtime; so do receive counts and redrive policies. */
class SqsDurabilityTest {

    @TempDir
    Path state;

    @Test
    void queuedMessagesTheirReceiveCountsAndRedrivePoliciesSurviveARestart() throws Exception {
        String marker = UUID.randomUUID().toString();
        try (LocalRuntime runtime = LocalRuntime.start(TestTopology.create(), state, LocalRuntime.Options.defaults());
                SqsClient sqs = Clients.sqs(runtime.endpoints())) {
            String dlq = url(sqs, "delivery-dlq");
            sqs.sendMessage(b -> b.queueUrl(dlq).messageBody("dead-1-" + marker));
            sqs.sendMessage(b -> b.queueUrl(dlq).messageBody("dead-2-" + marker));
            String doomed = url(sqs, "doomed");
            sqs.sendMessage(b -> b.queueUrl(doomed).messageBody("twice-" + marker));
            for (int i = 0; i < 2; i++) {
                assertThat(receive(sqs, doomed, 0)).hasSize(1);
            }
        }

        try (LocalRuntime runtime = LocalRuntime.start(TestTopology.create(), state, LocalRuntime.Options.defaults());
                SqsClient sqs = Clients.sqs(runtime.endpoints())) {
            String dlq = url(sqs, "delivery-dlq");
            List<Message> dead = new java.util.ArrayList<>(receive(sqs, dlq, 30));
            dead.addAll(receive(sqs, dlq, 30));
            assertThat(dead).extracting(Message::body)
                    .containsExactlyInAnyOrder("dead-1-" + marker, "dead-2-" + marker);
            assertThat(receive(sqs, url(sqs, "doomed"), 30)).singleElement().satisfies(m -> {
                assertThat(m.body()).isEqualTo("twice-" + marker);
                assertThat(m.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)).isEqualTo("3");
            });
            String work = url(sqs, TestTopology.QUEUE);
            JsonNode redrive = Json.parse(sqs.getQueueAttributes(b -> b.queueUrl(work)
                    .attributeNames(QueueAttributeName.REDRIVE_POLICY)).attributes()
                    .get(QueueAttributeName.REDRIVE_POLICY));
            assertThat(redrive.get("deadLetterTargetArn").asText())
                    .isEqualTo(AwsIdentity.LOCAL.sqsArn(TestTopology.QUEUE + "-dlq"));
            assertThat(redrive.get("maxReceiveCount").asInt()).isEqualTo(TestTopology.MAX_RECEIVE_COUNT);
        }
    }

    @Test
    void aQueueWhoseSettingsChangedBetweenStartsKeepsItsMessagesAndTakesTheNewSettings() throws Exception {
        String marker = UUID.randomUUID().toString();
        try (LocalRuntime runtime = LocalRuntime.start(TestTopology.create(), state, LocalRuntime.Options.defaults());
                SqsClient sqs = Clients.sqs(runtime.endpoints())) {
            sqs.sendMessage(b -> b.queueUrl(url(sqs, "doomed")).messageBody("kept-" + marker));
        }

        Topology t = TestTopology.create();
        List<QueueSpec> queues = t.queues().stream().map(q -> q.name().equals("doomed")
                ? new QueueSpec("doomed", 7, 3600, new QueueSpec.DeadLetter(4, 3600)) : q).toList();
        Topology changed = t.withQueues(queues);
        try (LocalRuntime runtime = LocalRuntime.start(changed, state, LocalRuntime.Options.defaults());
                SqsClient sqs = Clients.sqs(runtime.endpoints())) {
            String doomed = url(sqs, "doomed");
            Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(b -> b.queueUrl(doomed)
                    .attributeNames(QueueAttributeName.ALL)).attributes();
            assertThat(attributes.get(QueueAttributeName.VISIBILITY_TIMEOUT)).isEqualTo("7");
            assertThat(Json.parse(attributes.get(QueueAttributeName.REDRIVE_POLICY)).get("deadLetterTargetArn")
                    .asText()).isEqualTo(AwsIdentity.LOCAL.sqsArn("doomed-dlq"));
            assertThat(receive(sqs, doomed, 30)).extracting(Message::body).containsExactly("kept-" + marker);
        }
    }

    /**
     * A message in flight when the runtime stops was held by an invocation that stopped with it: it
     * comes back once Lambda would have timed that invocation out, not after the queue's whole
     * visibility timeout, and its receive count still says it was received.
     */
    @Test
    void aMessageInFlightAtAStopComesBackWhenItsConsumerWouldHaveTimedOut() throws Exception {
        String marker = UUID.randomUUID().toString();
        QueueSpec held = new QueueSpec("held", 300, 3600, new QueueSpec.DeadLetter(5, 3600));
        try (LocalRuntime runtime = LocalRuntime.start(withQueue(held, List.of()), state,
                LocalRuntime.Options.defaults());
                SqsClient sqs = Clients.sqs(runtime.endpoints())) {
            String url = url(sqs, "held");
            sqs.sendMessage(b -> b.queueUrl(url).messageBody("in-flight-" + marker));
            assertThat(receive(sqs, url, null)).as("received with the queue's 300 s visibility").hasSize(1);
        }

        FunctionSpec consumer = new FunctionSpec("held-worker", ScriptedHandler.class.getName(), 256, 1,
                new FunctionSpec.SqsTrigger("held", 1, 0, 2, true));
        Invocations invocations = new Invocations();
        try (LocalRuntime runtime = LocalRuntime.start(withQueue(held, List.of(consumer)), state,
                LocalRuntime.Options.defaults())) {
            runtime.lambda().addListener(invocations);
            invocations.await(Duration.ofSeconds(20), "the in-flight message at its consumer", all -> all.stream()
                    .anyMatch(i -> i.bodies().contains("in-flight-" + marker)));
            assertThat(invocations.of("held-worker").get(0).receiveCounts()).containsExactly("2");
        }
    }

    private static Topology withQueue(QueueSpec queue, List<FunctionSpec> functions) {
        Topology t = TestTopology.create();
        var queues = new java.util.ArrayList<>(t.queues());
        queues.add(queue);
        var all = new java.util.ArrayList<>(t.functions());
        all.addAll(functions);
        return t.withQueues(queues).withFunctions(all);
    }

    private static List<Message> receive(SqsClient sqs, String url, Integer visibilityTimeout) {
        return sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)
                .visibilityTimeout(visibilityTimeout)
                .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)).messages();
    }

    private static String url(SqsClient sqs, String queue) {
        return sqs.getQueueUrl(b -> b.queueName(queue)).queueUrl();
    }
}
