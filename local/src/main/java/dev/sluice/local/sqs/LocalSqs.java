package dev.sluice.local.sqs;

import dev.sluice.core.topology.QueueSpec;
import dev.sluice.core.topology.Topology;
import dev.sluice.local.AwsIdentity;
import dev.sluice.local.Loopback;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * SQS: an embedded ElasticMQ speaking the SQS protocol on loopback, with the topology's queues and
 * their redrive policies, so messages reach the DLQ after maxReceiveCount exactly as on AWS.
 */
public final class LocalSqs implements AutoCloseable {

    private final SQSRestServer server;
    private final URI endpoint;

    private LocalSqs(SQSRestServer server, URI endpoint) {
        this.server = server;
        this.endpoint = endpoint;
    }

    public static LocalSqs start(AwsIdentity identity) {
        int port = Loopback.freePort();
        SQSRestServer server = SQSRestServerBuilder
                .withInterface(Loopback.HOST)
                .withPort(port)
                // Queue URLs must name the real port, or clients would follow them elsewhere.
                .withServerAddress(new NodeAddress("http", Loopback.HOST, port, ""))
                .withAWSRegion(identity.region())
                .withAWSAccountId(identity.accountId())
                .start();
        server.waitUntilStarted();
        return new LocalSqs(server, URI.create("http://" + Loopback.HOST + ":" + port));
    }

    public URI endpoint() {
        return endpoint;
    }

    /** The URL ElasticMQ gives queue {@code name}, as GetQueueUrl answers it. */
    public static String queueUrl(URI endpoint, AwsIdentity identity, String name) {
        return endpoint + "/" + identity.accountId() + "/" + name;
    }

    /** Creates every queue of the topology, DLQs first so each redrive policy names an existing ARN. */
    public static void createQueues(SqsClient sqs, Topology topology, AwsIdentity identity) {
        for (QueueSpec q : topology.queues()) {
            if (q.hasDeadLetterQueue()) {
                create(sqs, q.deadLetterQueueName(), Map.of(
                        QueueAttributeName.MESSAGE_RETENTION_PERIOD, String.valueOf(q.deadLetter().retentionSeconds()),
                        QueueAttributeName.VISIBILITY_TIMEOUT, String.valueOf(q.visibilityTimeoutSeconds())));
            }
        }
        for (QueueSpec q : topology.queues()) {
            Map<QueueAttributeName, String> attributes = new HashMap<>();
            attributes.put(QueueAttributeName.VISIBILITY_TIMEOUT, String.valueOf(q.visibilityTimeoutSeconds()));
            attributes.put(QueueAttributeName.MESSAGE_RETENTION_PERIOD, String.valueOf(q.retentionSeconds()));
            if (q.hasDeadLetterQueue()) {
                attributes.put(QueueAttributeName.REDRIVE_POLICY, "{\"deadLetterTargetArn\":\""
                        + identity.sqsArn(q.deadLetterQueueName()) + "\",\"maxReceiveCount\":\""
                        + q.deadLetter().maxReceiveCount() + "\"}");
            }
            create(sqs, q.name(), attributes);
        }
    }

    private static void create(SqsClient sqs, String name, Map<QueueAttributeName, String> attributes) {
        sqs.createQueue(b -> b.queueName(name).attributes(attributes));
    }

    @Override
    public void close() {
        server.stopAndWait();
    }
}
