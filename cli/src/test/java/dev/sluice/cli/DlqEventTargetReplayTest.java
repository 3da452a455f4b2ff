package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.cli.where.LocalDeployment;
import dev.sluice.core.json.Json;
import dev.sluice.core.topology.Definitions;
import dev.sluice.core.topology.QueueSpec;
import dev.sluice.core.topology.RuleSpec;
import dev.sluice.core.topology.TargetSpec;
import dev.sluice.core.topology.Topology;
import dev.sluice.local.LocalRuntime;
import dev.sluice.local.support.Await;
import dev.sluice.operations.audit.AuditLog;
import dev.sluice.operations.dlq.ReplayListener;
import dev.sluice.operations.dlq.ReplayReport;
import dev.sluice.operations.dlq.ReplayRequest;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * An event EventBridge could not deliver to one of a rule's two targets goes back to that target only: the other,
 * which got it the first time, gets no duplicate. A small topology: bus {@code test-bus}, rule {@code fan-out} to
 * queues {@code good} and {@code flaky}, both dead-lettering to {@code event-delivery-dlq}.
 */
class DlqEventTargetReplayTest {

    @TempDir
    Path state;

    @Test
    void anEventTargetDlqReplayReachesOnlyTheTargetThatFailed() throws Exception {
        TargetSpec.RetryPolicy retries = new TargetSpec.RetryPolicy(2, 60);
        Topology topology = new Topology(List.of("test-bus"),
                List.of(new QueueSpec("good", 30, 3600, null), new QueueSpec("flaky", 30, 3600, null),
                        new QueueSpec("event-delivery-dlq", 30, 3600, null)),
                List.of(),
                Definitions.bundled().topology().tables().stream().filter(t -> t.name().equals(AuditLog.TABLE))
                        .toList(),
                List.of(), List.of(),
                List.of(new RuleSpec("fan-out", "test-bus", "one event, two targets", "{\"source\":[\"fan\"]}",
                        List.of(new TargetSpec("good", TargetSpec.Kind.SQS, "good", retries, "event-delivery-dlq"),
                                new TargetSpec("flaky", TargetSpec.Kind.SQS, "flaky", retries,
                                        "event-delivery-dlq")))),
                List.of());
        try (LocalRuntime runtime = LocalRuntime.start(topology, state, LocalRuntime.Options.defaults());
                SqsClient sqs = LocalRuntime.client(SqsClient.builder(), runtime.endpoints().sqs(),
                        runtime.endpoints().region());
                EventBridgeClient events = LocalRuntime.client(EventBridgeClient.builder(),
                        runtime.endpoints().events(), runtime.endpoints().region());
                LocalDeployment deployment = new LocalDeployment(topology, state, runtime.endpoints())) {
            // The flaky target is gone while the event is delivered: that delivery fails, the other succeeds.
            sqs.deleteQueue(b -> b.queueUrl(url(sqs, "flaky")));
            events.putEvents(b -> b.entries(e -> e.eventBusName("test-bus").source("fan").detailType("Fanned")
                    .detail("{\"n\":1}")));
            Await.until("the failed delivery in the DLQ", () -> depth(sqs, "event-delivery-dlq") == 1);
            Await.until("the good target served", () -> depth(sqs, "good") == 1);
            sqs.createQueue(b -> b.queueName("flaky"));

            ReplayReport report = DlqCommand.operations(deployment).replay("event-delivery-dlq",
                    ReplayRequest.all("cli"), ReplayListener.NONE);

            assertThat(report.summary()).isEqualTo("moved 1, skipped 0, refused 0, failed 0");
            assertThat(report.items().get(0).destination()).endsWith("/flaky");
            List<Message> replayed = receive(sqs, "flaky");
            assertThat(replayed).hasSize(1);
            assertThat(Json.parse(replayed.get(0).body()).at("/detail/n").asInt()).isEqualTo(1);
            assertThat(replayed.get(0).messageAttributes().get("SluiceReplayCount").stringValue()).isEqualTo("1");
            assertThat(receive(sqs, "good")).as("the target that had it gets no duplicate").hasSize(1);
            assertThat(depth(sqs, "event-delivery-dlq")).isZero();
        }
    }

    private static List<Message> receive(SqsClient sqs, String queue) {
        return sqs.receiveMessage(b -> b.queueUrl(url(sqs, queue)).maxNumberOfMessages(10).visibilityTimeout(60)
                .waitTimeSeconds(1).messageAttributeNames("All")).messages();
    }

    private static String url(SqsClient sqs, String queue) {
        return sqs.getQueueUrl(b -> b.queueName(queue)).queueUrl();
    }

    private static long depth(SqsClient sqs, String queue) {
        return Long.parseLong(sqs.getQueueAttributes(b -> b.queueUrl(url(sqs, queue))
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).attributes()
                .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
    }
}
