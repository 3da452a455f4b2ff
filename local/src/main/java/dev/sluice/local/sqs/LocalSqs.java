package dev.sluice.local.sqs;

import dev.sluice.core.topology.QueueSpec;
import dev.sluice.core.topology.Topology;
import dev.sluice.local.AwsIdentity;
import dev.sluice.local.Loopback;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.pattern.Patterns;
import org.elasticmq.NodeAddress;
import org.elasticmq.actor.QueueManagerActor;
import org.elasticmq.actor.queue.QueueEvent;
import org.elasticmq.persistence.CreateQueueMetadata;
import org.elasticmq.persistence.sql.SqlQueuePersistenceActor;
import org.elasticmq.persistence.sql.SqlQueuePersistenceConfig;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.elasticmq.rest.sqs.TheSQSRestServerBuilder;
import org.elasticmq.util.NowProvider;
import scala.Option;
import scala.jdk.javaapi.CollectionConverters;
import scalikejdbc.ConnectionPool;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueNameExistsException;

/**
 * SQS: an embedded ElasticMQ speaking the SQS protocol on loopback, with the topology's queues and
 * their redrive policies, so messages reach the DLQ after maxReceiveCount exactly as on AWS.
 *
 * <p>Started on a directory, it keeps queues and messages (DLQs included, with receive counts and
 * visibility) in an H2 database there through ElasticMQ's SQL persistence, and acknowledges a send,
 * receive or delete only once it is written, so a crash loses none of them. ElasticMQ's persistence
 * keeps its connection pool in a JVM-wide singleton: one persistent instance per JVM at a time.
 */
public final class LocalSqs implements AutoCloseable {

    private static final AtomicBoolean PERSISTENT_IN_USE = new AtomicBoolean();
    /** Restoring reads every message of every queue; generous for a large backlog. */
    private static final Duration RESTORE_TIMEOUT = Duration.ofMinutes(2);

    private final SQSRestServer server;
    private final URI endpoint;
    private final ActorSystem persistentActors;

    private LocalSqs(SQSRestServer server, URI endpoint, ActorSystem persistentActors) {
        this.server = server;
        this.endpoint = endpoint;
        this.persistentActors = persistentActors;
    }

    /** An ElasticMQ that keeps everything in memory. */
    public static LocalSqs start(AwsIdentity identity) {
        int port = Loopback.freePort();
        SQSRestServer server = serve(SQSRestServerBuilder.withInterface(Loopback.HOST), port, identity);
        return new LocalSqs(server, URI.create("http://" + Loopback.HOST + ":" + port), null);
    }

    /**
     * An ElasticMQ whose queues and messages live in {@code dir} and come back on the next start there.
     * Messages the topology's functions had in flight come back as {@link InFlightMessages} says.
     */
    public static LocalSqs start(AwsIdentity identity, Path dir, Topology topology) {
        if (!PERSISTENT_IN_USE.compareAndSet(false, true)) {
            throw new IllegalStateException("a persistent local SQS is already running in this JVM;"
                    + " ElasticMQ's SQL persistence takes one database per JVM");
        }
        ActorSystem actors = null;
        try {
            Files.createDirectories(dir);
            String url = "jdbc:h2:file:" + dir.resolve("queues").toAbsolutePath()
                    // Every commit reaches the file at once (H2 waits 500 ms by default), and the runtime,
                    // not H2's shutdown hook, decides when the database closes.
                    + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";
            InFlightMessages.release(url, topology);
            // ElasticMQ's DB initializes this pool only once per JVM: point it at this directory.
            ConnectionPool.singleton(url, "", "", ConnectionPool.singleton$default$4(),
                    ConnectionPool.singleton$default$5(url, "", "", ConnectionPool.singleton$default$4()));
            SqlQueuePersistenceConfig config = new SqlQueuePersistenceConfig(true, "org.h2.Driver", url, "", "",
                    false);
            actors = ActorSystem.create("elasticmq");
            scala.collection.immutable.List<CreateQueueMetadata> noBaseQueues = CollectionConverters
                    .asScala(List.<CreateQueueMetadata>of()).toList();
            ActorRef persistence = actors.actorOf(Props.create(SqlQueuePersistenceActor.class,
                    () -> new SqlQueuePersistenceActor(config, noBaseQueues)));
            ActorRef queues = actors.actorOf(Props.create(QueueManagerActor.class,
                    () -> new QueueManagerActor(new NowProvider(), SQSRestServerBuilder.sqsLimits(),
                            Option.apply(persistence))));
            // The server binds while the queues are restored: nobody knows its port before this returns.
            CompletableFuture<Object> restored = Patterns.ask(persistence, new QueueEvent.Restore(queues),
                    RESTORE_TIMEOUT).toCompletableFuture();
            int port = Loopback.freePort();
            SQSRestServer server = serve(SQSRestServerBuilder.withActorSystem(actors).withQueueManagerActor(queues)
                    .withQueueEventListener(persistence).withInterface(Loopback.HOST), port, identity);
            Object outcome = restored.get(RESTORE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (outcome instanceof scala.util.Left<?, ?> errors) {
                server.stopAndWait();
                throw new IllegalStateException("cannot restore the queues in " + dir + ": " + errors.value());
            }
            return new LocalSqs(server, URI.create("http://" + Loopback.HOST + ":" + port), actors);
        } catch (Exception e) {
            stopPersistence(actors);
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("cannot start SQS on " + dir + ": " + e, e);
        }
    }

    private static SQSRestServer serve(TheSQSRestServerBuilder builder, int port, AwsIdentity identity) {
        SQSRestServer server = builder
                .withPort(port)
                // Queue URLs must name the real port, or clients would follow them elsewhere.
                .withServerAddress(new NodeAddress("http", Loopback.HOST, port, ""))
                .withAWSRegion(identity.region())
                .withAWSAccountId(identity.accountId())
                .start();
        server.waitUntilStarted();
        return server;
    }

    public URI endpoint() {
        return endpoint;
    }

    /** The URL ElasticMQ gives queue {@code name}, as GetQueueUrl answers it. */
    public static String queueUrl(URI endpoint, AwsIdentity identity, String name) {
        return endpoint + "/" + identity.accountId() + "/" + name;
    }

    /**
     * Creates every queue of the topology, DLQs first so each redrive policy names an existing ARN. A
     * queue that already exists, restored with its messages, keeps them; should the topology have
     * changed its settings, they are updated in place.
     */
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
        try {
            sqs.createQueue(b -> b.queueName(name).attributes(attributes));
        } catch (QueueNameExistsException changed) {
            String url = sqs.getQueueUrl(b -> b.queueName(name)).queueUrl();
            sqs.setQueueAttributes(b -> b.queueUrl(url).attributes(attributes));
        }
    }

    @Override
    public void close() {
        server.stopAndWait();
        if (persistentActors != null) {
            stopPersistence(persistentActors);
        }
    }

    /** Stops what a persistent start began ({@code actors} may be null) and frees the JVM's one database. */
    private static void stopPersistence(ActorSystem actors) {
        try {
            if (actors != null) {
                actors.terminate();
                actors.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            System.getLogger(LocalSqs.class.getName()).log(System.Logger.Level.WARNING,
                    "ElasticMQ's actors did not stop in time: " + e);
        } finally {
            // Closing the pool closes the H2 database, so the next start, in this JVM or another, can open it.
            ConnectionPool.closeAll();
            PERSISTENT_IN_USE.set(false);
        }
    }
}
