package dev.sluice.local.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.local.LocalRuntime;
import dev.sluice.local.support.Clients;
import dev.sluice.local.support.Invocations;
import dev.sluice.local.support.ScriptedHandler;
import dev.sluice.local.support.TestTopology;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/** Lambda's SQS event source mapping semantics, through real ElasticMQ queues and a handler loaded by name. */
class SqsEventSourceMappingTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    static Path state;
    static LocalRuntime runtime;
    static SqsClient sqs;
    static String queueUrl;
    static String noisyUrl;
    static final Invocations invocations = new Invocations();

    @BeforeAll
    static void start() throws Exception {
        runtime = LocalRuntime.start(TestTopology.create(), state, LocalRuntime.Options.defaults());
        runtime.lambda().addListener(invocations);
        sqs = Clients.sqs(runtime.endpoints());
        queueUrl = sqs.getQueueUrl(b -> b.queueName(TestTopology.QUEUE)).queueUrl();
        noisyUrl = sqs.getQueueUrl(b -> b.queueName(TestTopology.NOISY_QUEUE)).queueUrl();
    }

    @AfterAll
    static void stop() {
        sqs.close();
        runtime.close();
    }

    @Test
    void aPartialBatchFailureRedeliversOnlyTheFailedMessage() throws Exception {
        String id = UUID.randomUUID().toString();
        List<String> ok = List.of("ok-1-" + id, "ok-2-" + id);
        String failing = "fail-" + id;
        sendTogether(queueUrl, ok.get(0), failing, ok.get(1));

        invocations.await(PATIENCE, "the failed message twice",
                all -> Collections.frequency(invocations.bodiesSeenBy(TestTopology.FUNCTION), failing) >= 2);

        List<String> seen = invocations.bodiesSeenBy(TestTopology.FUNCTION);
        assertThat(Collections.frequency(seen, ok.get(0))).isEqualTo(1);
        assertThat(Collections.frequency(seen, ok.get(1))).isEqualTo(1);
    }

    @Test
    void aMessageFailingEveryTimeLandsInTheDlqAfterMaxReceiveCount() throws Exception {
        String failing = "fail-always-" + UUID.randomUUID();
        sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(failing));
        String dlqUrl = sqs.getQueueUrl(b -> b.queueName(TestTopology.QUEUE + "-dlq")).queueUrl();

        Message dead = awaitMessage(dlqUrl, failing);

        assertThat(dead.body()).isEqualTo(failing);
        List<Invocations.Invocation> deliveries = invocations.of(TestTopology.FUNCTION).stream()
                .filter(i -> i.bodies().contains(failing)).toList();
        assertThat(deliveries).hasSize(TestTopology.MAX_RECEIVE_COUNT);
        assertThat(deliveries.stream().map(i -> i.receiveCounts().get(i.bodies().indexOf(failing))))
                .containsExactly("1", "2", "3");
    }

    @Test
    void aThrownErrorFailsTheWholeBatch() throws Exception {
        String id = UUID.randomUUID().toString();
        String innocent = "ok-" + id;
        sendTogether(noisyUrl, "throw-" + id, innocent);

        invocations.await(PATIENCE, "the innocent message redelivered",
                all -> Collections.frequency(invocations.bodiesSeenBy(TestTopology.NOISY_FUNCTION), innocent) >= 2);

        assertRedeliveredAfter(innocent, i -> i.error() != null
                && i.error().errorType().equals(IllegalStateException.class.getName()));
    }

    @Test
    void aMalformedBatchResponseCountsAsTheWholeBatchFailed() throws Exception {
        String id = UUID.randomUUID().toString();
        String innocent = "ok-" + id;
        sendTogether(noisyUrl, "malformed-" + id, innocent);

        invocations.await(PATIENCE, "the innocent message redelivered",
                all -> Collections.frequency(invocations.bodiesSeenBy(TestTopology.NOISY_FUNCTION), innocent) >= 2);

        assertRedeliveredAfter(innocent, i -> i.error() == null && i.response().contains("not-in-this-batch"));
    }

    @Test
    void anInvocationOutlivingTheTimeoutFailsWithLambdasTimeoutError() throws Exception {
        String sleeper = "sleep-" + UUID.randomUUID();
        sqs.sendMessage(b -> b.queueUrl(noisyUrl).messageBody(sleeper));

        invocations.await(PATIENCE, "the timed-out message redelivered",
                all -> Collections.frequency(invocations.bodiesSeenBy(TestTopology.NOISY_FUNCTION), sleeper) >= 2);

        assertRedeliveredAfter(sleeper, i -> i.error() != null && i.error().errorType().equals("Sandbox.Timedout")
                && i.error().getMessage().equals("Task timed out after 2.00 seconds"));
    }

    @Test
    void messagesArrivingTogetherAreBatchedUpToTheBatchSize() throws Exception {
        String id = UUID.randomUUID().toString();
        List<String> bodies = IntStream.range(0, 7).mapToObj(i -> "ok-batch-" + i + "-" + id).toList();
        sendTogether(queueUrl, bodies.toArray(String[]::new));

        invocations.await(PATIENCE, "all seven messages",
                all -> bodies.stream().allMatch(b -> invocations.bodiesSeenBy(TestTopology.FUNCTION).contains(b)));

        List<Invocations.Invocation> batches = invocations.of(TestTopology.FUNCTION).stream()
                .filter(i -> i.bodies().stream().anyMatch(bodies::contains)).toList();
        assertThat(batches).allSatisfy(i -> assertThat(i.bodies()).hasSizeLessThanOrEqualTo(5));
        // Sent in one call inside one batching window: one full batch of five, then the rest.
        assertThat(batches.stream().mapToInt(i -> i.bodies().size()).max().orElseThrow()).isEqualTo(5);
    }

    /**
     * The noisy queue mixes whole-batch failures of several tests, so the proof is: some invocation
     * holding {@code body} failed the way {@code failedAs} says, and {@code body} came back after it.
     */
    private static void assertRedeliveredAfter(String body, java.util.function.Predicate<Invocations.Invocation> failedAs) {
        List<Invocations.Invocation> holding = invocations.of(TestTopology.NOISY_FUNCTION).stream()
                .filter(i -> i.bodies().contains(body)).toList();
        int failure = IntStream.range(0, holding.size()).filter(i -> failedAs.test(holding.get(i))).findFirst()
                .orElseThrow(() -> new AssertionError("no invocation failed as expected: " + holding));
        assertThat(holding.size()).as("deliveries after the failure").isGreaterThan(failure + 1);
    }

    @Test
    void noMoreInvocationsRunAtOnceThanTheMaximumConcurrency() throws Exception {
        String id = UUID.randomUUID().toString();
        List<String> bodies = IntStream.range(0, 30).mapToObj(i -> "ok-slow-" + i + "-" + id).toList();
        for (int i = 0; i < bodies.size(); i += 10) {
            sendTogether(queueUrl, bodies.subList(i, i + 10).toArray(String[]::new));
        }

        invocations.await(PATIENCE, "all thirty slow messages",
                all -> invocations.bodiesSeenBy(TestTopology.FUNCTION).containsAll(bodies));

        // Thirty messages of 300 ms in batches of five keep both slots of maximumConcurrency 2 busy.
        assertThat(ScriptedHandler.mostAtOnce(TestTopology.FUNCTION)).isEqualTo(2);
    }

    private static void sendTogether(String url, String... bodies) {
        List<SendMessageBatchRequestEntry> entries = IntStream.range(0, bodies.length)
                .mapToObj(i -> SendMessageBatchRequestEntry.builder().id("m" + i).messageBody(bodies[i]).build())
                .toList();
        assertThat(sqs.sendMessageBatch(b -> b.queueUrl(url).entries(entries)).failed()).isEmpty();
    }

    private static Message awaitMessage(String url, String body) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (System.nanoTime() < deadline) {
            for (Message m : sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1))
                    .messages()) {
                if (m.body().equals(body)) {
                    return m;
                }
            }
        }
        throw new AssertionError("no message " + body + " in " + url);
    }
}
