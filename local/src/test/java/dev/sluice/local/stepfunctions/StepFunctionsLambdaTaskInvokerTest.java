package dev.sluice.local.stepfunctions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.json.Json;
import dev.sluice.core.topology.FunctionSpec;
import dev.sluice.local.AwsIdentity;
import dev.sluice.local.lambda.LocalLambda;
import dev.sluice.local.stepfunctions.asl.TaskFailure;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Lambda Task resources against the real local Lambda service and {@link TaskHandler}. */
class StepFunctionsLambdaTaskInvokerTest {

    static final AwsIdentity ID = AwsIdentity.LOCAL;
    static LocalLambda lambda;
    static LambdaTaskInvoker invoker;

    @BeforeAll
    static void start() {
        lambda = new LocalLambda(List.of(new FunctionSpec("doubler", TaskHandler.class.getName(), 256, 1, null)), ID,
                StepFunctionsLambdaTaskInvokerTest.class.getClassLoader(), 100);
        invoker = new LambdaTaskInvoker(lambda, ID);
    }

    @AfterAll
    static void stop() {
        lambda.close();
    }

    @Test
    void aFunctionArnResourceReturnsTheFunctionsResponse() throws Exception {
        JsonNode result = invoker.invoke(ID.lambdaArn("doubler"), Json.parse("{\"n\":21}"));
        JsonNode qualified = invoker.invoke(ID.lambdaArn("doubler") + ":$LATEST", Json.parse("{\"n\":2}"));

        assertThat(result).isEqualTo(Json.parse("{\"doubled\":42,\"function\":\"doubler\"}"));
        assertThat(qualified.get("doubled").asInt()).isEqualTo(4);
    }

    @Test
    void aFunctionErrorFailsTheTaskWithItsTypeAndLambdasCause() {
        assertThatThrownBy(() -> invoker.invoke(ID.lambdaArn("doubler"), Json.parse("{\"fail\":true}")))
                .isInstanceOfSatisfying(TaskFailure.class, f -> {
                    assertThat(f.error()).isEqualTo("java.lang.IllegalArgumentException");
                    assertThat(Json.parse(f.cause())).isEqualTo(Json.parse(
                            "{\"errorMessage\":\"asked to fail\",\"errorType\":\"java.lang.IllegalArgumentException\"}"));
                });
    }

    @Test
    void aTimeoutKeepsLambdasErrorType() {
        assertThatThrownBy(() -> invoker.invoke(ID.lambdaArn("doubler"), Json.parse("{\"sleep\":true}")))
                .isInstanceOfSatisfying(TaskFailure.class, f -> {
                    assertThat(f.error()).isEqualTo("Sandbox.Timedout");
                    assertThat(Json.parse(f.cause()).get("errorMessage").asText())
                            .isEqualTo("Task timed out after 1.00 seconds");
                });
    }

    @Test
    void anUnknownFunctionIsLambdasResourceNotFound() {
        assertThatThrownBy(() -> invoker.invoke(ID.lambdaArn("missing"), Json.object()))
                .isInstanceOfSatisfying(TaskFailure.class, f -> {
                    assertThat(f.error()).isEqualTo("Lambda.ResourceNotFoundException");
                    assertThat(f.cause()).contains(ID.lambdaArn("missing"));
                });
        assertThatThrownBy(() -> invoker.invoke(LambdaTaskInvoker.LAMBDA_INVOKE,
                Json.parse("{\"FunctionName\":\"missing\",\"Payload\":{}}")))
                .isInstanceOfSatisfying(TaskFailure.class,
                        f -> assertThat(f.error()).isEqualTo("Lambda.ResourceNotFoundException"));
    }

    @Test
    void lambdaInvokeWrapsTheResponseAsLambdasInvokeResult() throws Exception {
        for (String name : List.of("doubler", ID.lambdaArn("doubler"), "000000000000:function:doubler:$LATEST")) {
            JsonNode result = invoker.invoke(LambdaTaskInvoker.LAMBDA_INVOKE,
                    Json.parse("{\"FunctionName\":\"" + name + "\",\"Payload\":{\"n\":5}}"));

            assertThat(result.get("Payload")).as(name).isEqualTo(Json.parse("{\"doubled\":10,\"function\":\"doubler\"}"));
            assertThat(result.get("StatusCode").asInt()).isEqualTo(200);
            assertThat(result.get("ExecutedVersion").asText()).isEqualTo("$LATEST");
            assertThat(result.at("/SdkHttpMetadata/HttpStatusCode").asInt()).isEqualTo(200);
            assertThat(result.at("/SdkHttpMetadata/HttpHeaders/x-amzn-RequestId").asText())
                    .isEqualTo(result.at("/SdkResponseMetadata/RequestId").asText()).isNotEmpty();
        }
        assertThatThrownBy(() -> invoker.invoke(LambdaTaskInvoker.LAMBDA_INVOKE,
                Json.parse("{\"FunctionName\":\"doubler\",\"Payload\":{\"fail\":true}}")))
                .isInstanceOfSatisfying(TaskFailure.class,
                        f -> assertThat(f.error()).isEqualTo("java.lang.IllegalArgumentException"));
    }

    @Test
    void anInterruptStopsTheTaskInsteadOfFailingIt() throws Exception {
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread task = Thread.ofVirtual().start(() -> {
            try {
                invoker.invoke(ID.lambdaArn("doubler"), Json.parse("{\"sleep\":true}"));
                outcome.complete(null);
            } catch (Exception e) {
                outcome.complete(e);
            }
        });
        Thread.sleep(200);
        task.interrupt();

        assertThat(outcome.get(5, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
    }
}
