package dev.sluice.local.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.json.Json;
import dev.sluice.core.topology.FunctionSpec;
import dev.sluice.core.topology.QueueSpec;
import dev.sluice.core.topology.Topology;
import dev.sluice.local.AwsIdentity;
import dev.sluice.local.LocalRuntime;
import dev.sluice.local.support.Clients;
import dev.sluice.local.support.EventHandler;
import dev.sluice.local.support.Invocations;
import dev.sluice.local.support.TestTopology;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.GetFunctionResponse;
import software.amazon.awssdk.services.lambda.model.InvalidRequestContentException;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.RequestTooLargeException;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The stock SDK {@code LambdaClient} invokes the local functions: synchronously, asynchronously (with
 * the retries and on-failure destination EventBridge targets get) and as a dry run, by name, ARN or
 * qualified name.
 */
class LambdaApiTest {

    private static final String FUNCTION = TestTopology.EVENT_FUNCTION;
    private static final String FAILING = "always-fails";
    private static final String DESTINATION = "always-fails-destination";

    @TempDir
    static Path state;

    private static LocalRuntime runtime;
    private static LambdaClient lambda;
    private static final Invocations invocations = new Invocations();

    @BeforeAll
    static void start() throws Exception {
        LocalRuntime.Options d = LocalRuntime.Options.defaults();
        runtime = LocalRuntime.start(withFailingFunction(), state, new LocalRuntime.Options(d.identity(),
                d.targetBackoff(), 100, d.handlerClassLoader(), d.profileValues()));
        runtime.lambda().addListener(invocations);
        lambda = Clients.lambda(runtime.endpoints());
    }

    @AfterAll
    static void stop() {
        if (lambda != null) {
            lambda.close();
        }
        if (runtime != null) {
            runtime.close();
        }
    }

    @Test
    void requestResponseAnswersWithTheFunctionsResponse() {
        String marker = UUID.randomUUID().toString();

        InvokeResponse response = lambda.invoke(b -> b.functionName(FUNCTION).payload(event(marker, false)));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.functionError()).isNull();
        assertThat(response.executedVersion()).isEqualTo("$LATEST");
        assertThat(response.payload().asUtf8String())
                .isEqualTo("\"direct|Test Happened|" + marker + "|000000000000|" + FUNCTION + "\"");
    }

    @Test
    void aThrowingHandlerIsAnUnhandledFunctionErrorWithTheErrorAsPayload() {
        InvokeResponse response = lambda.invoke(b -> b.functionName(FUNCTION).payload(event("boom", true)));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.functionError()).isEqualTo("Unhandled");
        JsonNode error = Json.parse(response.payload().asUtf8String());
        assertThat(error.get("errorType").asText()).isEqualTo(IllegalStateException.class.getName());
        assertThat(error.get("errorMessage").asText()).isEqualTo("scripted to throw");
        assertThat(error.get("stackTrace").get(0).asText()).contains(EventHandler.class.getName());
    }

    @Test
    void anEventInvocationIsAcceptedAndRunsAfterwards() throws Exception {
        String marker = UUID.randomUUID().toString();

        InvokeResponse response = lambda.invoke(b -> b.functionName(FUNCTION)
                .invocationType(InvocationType.EVENT).payload(event(marker, false)));

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.payload().asByteArray()).isEmpty();
        invocations.await(Duration.ofSeconds(10), "the queued invocation", all -> all.stream().anyMatch(i ->
                i.function().equals(FUNCTION) && i.payload().path("detail").path("marker").asText().equals(marker)
                        && i.response() != null && i.response().contains(marker)));
    }

    @Test
    void anEventInvocationThatAlwaysFailsEndsInTheOnFailureDestinationWithWhatWasSent() throws Exception {
        String marker = UUID.randomUUID().toString();
        SdkBytes sent = event(marker, true);

        InvokeResponse response = lambda.invoke(b -> b.functionName(FAILING)
                .invocationType(InvocationType.EVENT).payload(sent));

        assertThat(response.statusCode()).isEqualTo(202);
        try (SqsClient sqs = Clients.sqs(runtime.endpoints())) {
            String url = sqs.getQueueUrl(b -> b.queueName(DESTINATION)).queueUrl();
            List<Message> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (records.isEmpty() && System.nanoTime() < deadline) {
                records.addAll(sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1))
                        .messages());
            }
            assertThat(records).as("records in " + DESTINATION).hasSize(1);
            JsonNode record = Json.parse(records.get(0).body());
            assertThat(record.get("requestPayload")).isEqualTo(Json.parse(sent.asUtf8String()));
            assertThat(record.at("/requestContext/functionArn").asText())
                    .isEqualTo(AwsIdentity.LOCAL.lambdaArn(FAILING) + ":$LATEST");
            assertThat(record.at("/requestContext/approximateInvokeCount").asInt()).isEqualTo(3);
            assertThat(record.at("/responsePayload/errorMessage").asText()).isEqualTo("scripted to throw");
        }
        assertThat(invocations.of(FAILING)).hasSize(3);
    }

    @Test
    void aDryRunChecksTheRequestWithoutInvoking() {
        int before = invocations.of(FUNCTION).size();

        InvokeResponse response = lambda.invoke(b -> b.functionName(FUNCTION)
                .invocationType(InvocationType.DRY_RUN).payload(event("dry", false)));

        assertThat(response.statusCode()).isEqualTo(204);
        assertThat(invocations.of(FUNCTION)).hasSize(before);
    }

    @Test
    void theFunctionCanBeNamedByArnPartialArnAndTheQualifiersServedLocally() {
        String arn = AwsIdentity.LOCAL.lambdaArn(FUNCTION);
        for (String name : List.of(arn, arn + ":live", FUNCTION + ":live", FUNCTION + ":$LATEST",
                "000000000000:function:" + FUNCTION)) {
            InvokeResponse response = lambda.invoke(b -> b.functionName(name).payload(event("named", false)));
            assertThat(response.functionError()).as(name).isNull();
            assertThat(response.payload().asUtf8String()).as(name).contains("|named|");
        }
        assertThat(lambda.invoke(b -> b.functionName(FUNCTION).qualifier("live").payload(event("q", false)))
                .payload().asUtf8String()).contains("|q|");
    }

    @Test
    void anUnknownFunctionOrQualifierOrAnotherAccountsArnIsNotFound() {
        for (String name : List.of("no-such-function", FUNCTION + ":v7",
                "arn:aws:lambda:us-east-1:123456789012:function:" + FUNCTION)) {
            assertThatThrownBy(() -> lambda.invoke(b -> b.functionName(name).payload(event("x", false))))
                    .as(name)
                    .isInstanceOfSatisfying(ResourceNotFoundException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(404);
                        assertThat(e.awsErrorDetails().errorMessage()).startsWith("Function not found: arn:aws:lambda:");
                    });
        }
        assertThatThrownBy(() -> lambda.getFunction(b -> b.functionName("no-such-function")))
                .isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void aBodyThatIsNotJsonIsInvalidRequestContent() {
        assertThatThrownBy(() -> lambda.invoke(b -> b.functionName(FUNCTION)
                .payload(SdkBytes.fromUtf8String("{\"detail\": oops"))))
                .isInstanceOfSatisfying(InvalidRequestContentException.class,
                        e -> assertThat(e.statusCode()).isEqualTo(400));
    }

    @Test
    void anEventPayloadOverTheAsynchronousQuotaIsTooLarge() {
        String big = "{\"pad\":\"" + "x".repeat(LambdaApi.ASYNC_PAYLOAD_LIMIT) + "\"}";

        assertThatThrownBy(() -> lambda.invoke(b -> b.functionName(FUNCTION).invocationType(InvocationType.EVENT)
                .payload(SdkBytes.fromUtf8String(big))))
                .isInstanceOfSatisfying(RequestTooLargeException.class,
                        e -> assertThat(e.statusCode()).isEqualTo(413));
    }

    @Test
    void getFunctionDescribesTheFunction() {
        GetFunctionResponse f = lambda.getFunction(b -> b.functionName(FUNCTION));

        assertThat(f.configuration().functionName()).isEqualTo(FUNCTION);
        assertThat(f.configuration().functionArn()).isEqualTo(AwsIdentity.LOCAL.lambdaArn(FUNCTION));
        assertThat(f.configuration().handler()).isEqualTo(EventHandler.class.getName());
        assertThat(f.configuration().runtimeAsString()).isEqualTo("java21");
        assertThat(f.configuration().timeout()).isEqualTo(5);
    }

    /** An EventBridge event as {@link EventHandler} reads it; {@code fail} makes it throw. */
    private static SdkBytes event(String marker, boolean fail) {
        return SdkBytes.fromUtf8String("{\"version\":\"0\",\"id\":\"" + UUID.randomUUID()
                + "\",\"detail-type\":\"Test Happened\",\"source\":\"direct\",\"account\":\"000000000000\","
                + "\"time\":\"2026-12-01T00:00:00Z\",\"region\":\"us-east-1\",\"resources\":[],"
                + "\"detail\":{\"marker\":\"" + marker + "\",\"throw\":" + fail + "}}");
    }

    private static Topology withFailingFunction() {
        Topology t = TestTopology.create();
        List<QueueSpec> queues = new ArrayList<>(t.queues());
        queues.add(new QueueSpec(DESTINATION, 30, 3600, null));
        List<FunctionSpec> functions = new ArrayList<>(t.functions());
        functions.add(new FunctionSpec(FAILING, EventHandler.class.getName(), 256, 5, null)
                .withOnFailure(DESTINATION));
        return t.withQueues(queues).withFunctions(functions);
    }
}
