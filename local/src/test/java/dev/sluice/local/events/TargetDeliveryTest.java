package dev.sluice.local.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.core.json.Json;
import dev.sluice.core.topology.RuleSpec;
import dev.sluice.core.topology.TargetSpec;
import dev.sluice.core.topology.Topology;
import dev.sluice.local.AwsIdentity;
import dev.sluice.local.Loopback;
import dev.sluice.local.lambda.LocalLambda;
import dev.sluice.local.sqs.LocalSqs;
import dev.sluice.local.support.Await;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Per-target retry and dead-lettering. The Step Functions target is the one place a stand-in is
 * used: no Step Functions runs here yet, so a loopback server plays StartExecution, failing on
 * command, and the test checks the exact request that went over the wire.
 */
class TargetDeliveryTest {

    private static final AwsIdentity ID = AwsIdentity.LOCAL;
    private static final StaticCredentialsProvider CREDS = StaticCredentialsProvider.create(
            AwsBasicCredentials.create("local", "local"));

    static LocalSqs sqsServer;
    static SqsClient sqs;
    static String dlqUrl;

    private final List<JsonNode> startRequests = new CopyOnWriteArrayList<>();
    private final List<String> targetHeaders = new CopyOnWriteArrayList<>();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private final AtomicInteger delivered = new AtomicInteger();
    private HttpServer fakeSfn;
    private SfnClient sfn;
    private TargetDelivery delivery;

    @BeforeAll
    static void startSqs() {
        sqsServer = LocalSqs.start(ID);
        sqs = SqsClient.builder().endpointOverride(sqsServer.endpoint()).region(Region.of(ID.region()))
                .credentialsProvider(CREDS).build();
        dlqUrl = sqs.createQueue(b -> b.queueName("delivery-dlq")).queueUrl();
    }

    @AfterAll
    static void stopSqs() {
        sqs.close();
        sqsServer.close();
    }

    private void startFakeSfn() throws IOException {
        fakeSfn = HttpServer.create(new InetSocketAddress(Loopback.address(), 0), 0);
        fakeSfn.createContext("/", exchange -> {
            targetHeaders.add(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
            startRequests.add(Json.parse(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            boolean fail = failuresLeft.getAndDecrement() > 0;
            byte[] body = (fail ? "{\"__type\":\"ServiceUnavailable\",\"message\":\"try later\"}"
                    : "{\"executionArn\":\"arn:aws:states:us-east-1:000000000000:execution:ingest:1\",\"startDate\":1.7E9}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
            exchange.sendResponseHeaders(fail ? 503 : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        fakeSfn.start();
        sfn = SfnClient.builder().endpointOverride(URI.create("http://127.0.0.1:" + fakeSfn.getAddress().getPort()))
                .region(Region.of(ID.region())).credentialsProvider(CREDS)
                // EventBridge's retries are under test, not the SDK's own.
                .overrideConfiguration(c -> c.retryStrategy(b -> b.maxAttempts(1)))
                .build();
        LocalLambda noFunctions = new LocalLambda(List.of(), ID, getClass().getClassLoader(), 10);
        delivery = new TargetDelivery(ID, sqs, noFunctions, sfn,
                new TargetDelivery.Backoff(Duration.ofMillis(20), Duration.ofMillis(100)));
    }

    @AfterEach
    void stopFakeSfn() throws Exception {
        delivery.close();
        sfn.close();
        fakeSfn.stop(0);
    }

    @Test
    void aTransientFailureIsRetriedUntilTheTargetTakesTheEvent() throws Exception {
        startFakeSfn();
        failuresLeft.set(2);
        String event = "{\"id\":\"e-1\",\"detail\":{\"k\":\"v\"}}";

        delivery.deliver(Topology.DEFAULT_BUS, rule(5), rule(5).targets().get(0), event, Instant.now(),
                delivered::incrementAndGet);

        awaitRequests(3);
        assertThat(targetHeaders).containsOnly("AWSStepFunctions.StartExecution");
        assertThat(startRequests.get(2).get("stateMachineArn").asText())
                .isEqualTo("arn:aws:states:us-east-1:000000000000:stateMachine:ingest");
        assertThat(startRequests.get(2).get("input").asText()).isEqualTo(event);
        Thread.sleep(300);
        assertThat(startRequests).hasSize(3);
        assertThat(delivered).as("done once, when the target took it").hasValue(1);
        assertThat(receiveAll()).noneMatch(m -> m.body().equals(event));
    }

    @Test
    void whenRetriesRunOutTheEventGoesToTheDlqSayingWhy() throws Exception {
        startFakeSfn();
        failuresLeft.set(Integer.MAX_VALUE);
        String event = "{\"id\":\"e-2\",\"detail\":{}}";

        delivery.deliver(Topology.DEFAULT_BUS, rule(2), rule(2).targets().get(0), event, Instant.now(),
                delivered::incrementAndGet);

        Message dead = awaitDead(event);
        assertThat(startRequests).hasSize(3); // the first attempt and two retries
        Await.until("the delivery done once the DLQ has it", () -> delivered.get() == 1);
        Map<String, MessageAttributeValue> a = dead.messageAttributes();
        assertThat(a.get("ERROR_CODE").stringValue()).isEqualTo("INTERNAL_ERROR");
        assertThat(a.get("EXHAUSTED_RETRY_CONDITION").stringValue()).isEqualTo("MaximumRetryAttempts");
        assertThat(a.get("RETRY_ATTEMPTS").stringValue()).isEqualTo("2");
        assertThat(a.get("RULE_ARN").stringValue()).isEqualTo("arn:aws:events:us-east-1:000000000000:rule/ingest-on-upload");
        assertThat(a.get("TARGET_ARN").stringValue()).isEqualTo("arn:aws:states:us-east-1:000000000000:stateMachine:ingest");
    }

    @Test
    void anEventOlderThanTheMaximumAgeIsNotRetried() throws Exception {
        startFakeSfn();
        failuresLeft.set(Integer.MAX_VALUE);
        String event = "{\"id\":\"e-3\",\"detail\":{}}";

        delivery.deliver(Topology.DEFAULT_BUS, rule(100), rule(100).targets().get(0), event,
                Instant.now().minusSeconds(60), delivered::incrementAndGet);

        Message dead = awaitDead(event);
        assertThat(startRequests).hasSize(1);
        assertThat(dead.messageAttributes().get("EXHAUSTED_RETRY_CONDITION").stringValue())
                .isEqualTo("MaximumEventAgeInSeconds");
    }

    private static RuleSpec rule(int retries) {
        return new RuleSpec("ingest-on-upload", Topology.DEFAULT_BUS, "", "{\"source\":[\"aws.s3\"]}", List.of(
                new TargetSpec("sfn", TargetSpec.Kind.STATE_MACHINE, "ingest",
                        new TargetSpec.RetryPolicy(retries, 60), "delivery-dlq")));
    }

    private void awaitRequests(int n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (startRequests.size() < n && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(startRequests).hasSizeGreaterThanOrEqualTo(n);
    }

    private static Message awaitDead(String body) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            for (Message m : receiveAll()) {
                if (m.body().equals(body)) {
                    return m;
                }
            }
        }
        throw new AssertionError("no dead letter " + body);
    }

    private static List<Message> receiveAll() {
        return sqs.receiveMessage(b -> b.queueUrl(dlqUrl).maxNumberOfMessages(10).waitTimeSeconds(1)
                .messageAttributeNames("All")).messages();
    }
}
