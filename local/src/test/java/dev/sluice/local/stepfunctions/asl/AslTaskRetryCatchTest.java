package dev.sluice.local.stepfunctions.asl;

import static dev.sluice.local.stepfunctions.asl.AslHarness.json;
import static dev.sluice.local.stepfunctions.asl.AslHarness.single;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AslTaskRetryCatchTest {

    private final AslHarness asl = new AslHarness();

    /** A function failing with the given errors in turn, then returning "ok". */
    private AslHarness failing(String... errors) {
        Iterator<String> next = List.of(errors).iterator();
        return asl.fn("F", in -> {
            if (next.hasNext()) {
                throw new TaskFailure(next.next(), "boom");
            }
            return json("\"ok\"");
        });
    }

    private static String task(String extra) {
        return single("{\"Type\":\"Task\",\"Resource\":\"arn:aws:lambda:eu-west-1:123456789012:function:F\","
                + extra + "\"End\":true}");
    }

    @Test
    void specRetryExampleWaitsIntervalTimesBackoffRate() {
        failing("States.Timeout", "States.Timeout");

        JsonNode output = asl.output(task("""
                "Retry":[{"ErrorEquals":["States.Timeout"],"IntervalSeconds":3,"MaxAttempts":2,"BackoffRate":1.5}],"""),
                "{}");

        assertThat(output.asText()).isEqualTo("ok");
        assertThat(asl.sleeps).containsExactly(Duration.ofSeconds(3), Duration.ofMillis(4500));
        assertThat(asl.events("LambdaFunctionScheduled")).hasSize(3);
    }

    @Test
    void defaultsAreOneSecondDoublingThreeAttemptsAndMaxDelayCaps() {
        failing("E", "E", "E", "E");
        ExecutionResult result = asl.run(task("\"Retry\":[{\"ErrorEquals\":[\"E\"]}],"), "{}");

        assertThat(asl.sleeps).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4));
        assertThat(result).isInstanceOfSatisfying(ExecutionResult.Failed.class,
                failed -> assertThat(failed.error()).isEqualTo("E"));

        AslHarness capped = new AslHarness();
        Iterator<String> errors = List.of("E", "E", "E", "E").iterator();
        capped.fn("F", in -> {
            if (errors.hasNext()) {
                throw new TaskFailure(errors.next(), "boom");
            }
            return in;
        });
        capped.output(task("\"Retry\":[{\"ErrorEquals\":[\"E\"],\"MaxAttempts\":4,\"MaxDelaySeconds\":3}],"), "{}");
        assertThat(capped.sleeps).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2),
                Duration.ofSeconds(3), Duration.ofSeconds(3));
    }

    @Test
    void fullJitterWaitsAtMostTheComputedDelay() {
        State.Retrier retrier = new State.Retrier(List.of("E"), 10, 3, 2.0, null, true);

        for (int i = 0; i < 20; i++) {
            assertThat(Execution.delay(retrier, 1)).isBetween(Duration.ZERO, Duration.ofSeconds(20));
        }
    }

    @Test
    void firstMatchingRetrierWinsAndCountsItsOwnAttempts() {
        failing("A", "B", "A", "B");

        ExecutionResult result = asl.run(task("""
                "Retry":[{"ErrorEquals":["A"],"MaxAttempts":1,"IntervalSeconds":5},
                         {"ErrorEquals":["States.ALL"],"MaxAttempts":5,"IntervalSeconds":7,"BackoffRate":1}],"""), "{}");

        // A retried (5s), B retried (7s), A exhausted its retrier: States.ALL is not consulted
        assertThat(asl.sleeps).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(7));
        assertThat(result).isInstanceOfSatisfying(ExecutionResult.Failed.class,
                failed -> assertThat(failed.error()).isEqualTo("A"));
    }

    @Test
    void maxAttemptsZeroNeverRetriesAndCatchWritesErrorOutputAtResultPath() {
        failing("E");
        String definition = """
                {"StartAt":"T","States":{
                 "T":{"Type":"Task","Resource":"arn:aws:lambda:eu-west-1:123456789012:function:F",
                      "Retry":[{"ErrorEquals":["E"],"MaxAttempts":0}],
                      "Catch":[{"ErrorEquals":["Other"],"Next":"Wrong"},{"ErrorEquals":["E"],"ResultPath":"$.err","Next":"Handled"}],
                      "End":true},
                 "Wrong":{"Type":"Fail"},"Handled":{"Type":"Pass","End":true}}}""";

        assertThat(asl.output(definition, "{\"in\":1}"))
                .isEqualTo(json("{\"in\":1,\"err\":{\"Error\":\"E\",\"Cause\":\"boom\"}}"));
        assertThat(asl.sleeps).isEmpty();
        assertThat(asl.types()).containsSubsequence("TaskStateEntered", "LambdaFunctionScheduled",
                "LambdaFunctionStarted", "LambdaFunctionFailed", "TaskStateExited", "PassStateEntered");
        assertThat(asl.events("LambdaFunctionFailed").getFirst().details())
                .isEqualTo(json("{\"error\":\"E\",\"cause\":\"boom\"}"));
    }

    @Test
    void taskTimeoutInterruptsTheInvocationAndTaskFailedDoesNotMatchIt() throws InterruptedException {
        CountDownLatch interrupted = new CountDownLatch(1);
        asl.fn("F", in -> {
            try {
                Thread.sleep(30_000);
                return in;
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
        });
        String definition = """
                {"StartAt":"T","States":{
                 "T":{"Type":"Task","Resource":"arn:aws:lambda:eu-west-1:123456789012:function:F","TimeoutSeconds":1,
                      "Catch":[{"ErrorEquals":["States.TaskFailed"],"Next":"Wrong"},
                               {"ErrorEquals":["States.Timeout"],"ResultPath":"$.e","Next":"TimedOut"}],"End":true},
                 "Wrong":{"Type":"Fail"},"TimedOut":{"Type":"Pass","OutputPath":"$.e.Error","End":true}}}""";

        assertThat(asl.output(definition, "{}").asText()).isEqualTo("States.Timeout");
        assertThat(asl.types()).contains("LambdaFunctionTimedOut");
        assertThat(asl.events("LambdaFunctionScheduled").getFirst().detail("timeoutInSeconds")).isEqualTo("1");
        assertThat(interrupted.await(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void taskFailedMatchesTaskErrorsAndRetryCountIsInTheContext() {
        List<JsonNode> inputs = new CopyOnWriteArrayList<>();
        asl.fn("F", in -> {
            inputs.add(in);
            if (inputs.size() < 3) {
                throw new TaskFailure("Lambda.Unknown", "x");
            }
            return in;
        });

        asl.output(task("""
                "Parameters":{"try.$":"$$.State.RetryCount"},"Retry":[{"ErrorEquals":["States.TaskFailed"]}],"""), "{}");

        assertThat(inputs).containsExactly(json("{\"try\":0}"), json("{\"try\":1}"), json("{\"try\":2}"));
    }

    @Test
    void lambdaInvokeResourceWritesTaskEvents() {
        asl.fn("arn:aws:states:::lambda:invoke", in -> json("{\"Payload\":1}"));

        asl.output(single("""
                {"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
                 "Parameters":{"FunctionName":"f","Payload.$":"$"},"End":true}"""), "{\"a\":1}");

        assertThat(asl.types()).containsSubsequence("TaskScheduled", "TaskStarted", "TaskSucceeded");
        assertThat(asl.events("TaskScheduled").getFirst().details()).isEqualTo(json("""
                {"resourceType":"lambda","resource":"invoke","region":"eu-west-1",
                 "parameters":"{\\"FunctionName\\":\\"f\\",\\"Payload\\":{\\"a\\":1}}","timeoutInSeconds":60}"""));
        assertThat(asl.events("TaskSucceeded").getFirst().detail("output")).isEqualTo("{\"Payload\":1}");
    }

    @Test
    void uncaughtTaskFailureCarriesTheResumePointOfTheTopLevelState() {
        failing("E");
        String definition = """
                {"StartAt":"A","States":{"A":{"Type":"Pass","Result":{"n":1},"Next":"T"},
                 "T":{"Type":"Task","Resource":"arn:aws:lambda:eu-west-1:123456789012:function:F","End":true}}}""";

        assertThat(asl.run(definition, "{}"))
                .isEqualTo(new ExecutionResult.Failed("E", "boom", new ResumePoint("T", json("{\"n\":1}"))));
        assertThat(asl.types()).endsWith("LambdaFunctionFailed");
    }

    /**
     * TimeoutSecondsPath and HeartbeatSecondsPath must give a positive integer up to 99999999, the
     * most TimeoutSeconds and HeartbeatSeconds take; anything else fails the execution with
     * States.Runtime before the function is invoked.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "TimeoutSecondsPath|100000000", "TimeoutSecondsPath|2147483648", "TimeoutSecondsPath|0",
        "TimeoutSecondsPath|-5", "TimeoutSecondsPath|1.5", "TimeoutSecondsPath|\"10\"",
        "HeartbeatSecondsPath|100000000", "HeartbeatSecondsPath|0", "HeartbeatSecondsPath|2.5",
        "HeartbeatSecondsPath|\"x\"", "HeartbeatSecondsPath|null"})
    void aTaskTimingPathOutsideItsRangeFailsTheExecutionWithStatesRuntime(String field, String value) {
        asl.fn("F", in -> in);
        String definition = single("""
                {"Type":"Task","Resource":"arn:aws:lambda:eu-west-1:123456789012:function:F","%s":"$.t",
                 "Catch":[{"ErrorEquals":["States.ALL"],"Next":"S"}],"End":true}""".formatted(field));

        assertThat(asl.run(definition, "{\"t\":" + value + "}"))
                .isInstanceOfSatisfying(ExecutionResult.Failed.class, failed -> {
                    assertThat(failed.error()).isEqualTo("States.Runtime");
                    assertThat(failed.cause()).contains(field, "$.t");
                });
        assertThat(asl.types()).doesNotContain("LambdaFunctionScheduled");
    }

    @Test
    void taskTimingPathsAtTheTopOfTheirRangeAreAccepted() {
        asl.fn("F", in -> in);
        String definition = single("""
                {"Type":"Task","Resource":"arn:aws:lambda:eu-west-1:123456789012:function:F",
                 "TimeoutSecondsPath":"$.t","HeartbeatSecondsPath":"$.h","End":true}""");

        assertThat(asl.output(definition, "{\"t\":99999999,\"h\":99999998}"))
                .isEqualTo(json("{\"t\":99999999,\"h\":99999998}"));
        assertThat(asl.events("LambdaFunctionScheduled").getFirst().detail("timeoutInSeconds")).isEqualTo("99999999");
    }
}
