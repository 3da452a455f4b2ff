package dev.sluice.local.stepfunctions.asl;

import static dev.sluice.local.stepfunctions.asl.AslHarness.json;
import static dev.sluice.local.stepfunctions.asl.AslHarness.single;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.json.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AslWaitStopTest {

    private final AslHarness asl = new AslHarness();

    @Test
    void waitsForSecondsOrUntilATimestamp() {
        asl.output(single("{\"Type\":\"Wait\",\"Seconds\":10,\"End\":true}"), "{}");
        asl.output(single("{\"Type\":\"Wait\",\"SecondsPath\":\"$.s\",\"End\":true}"), "{\"s\":3}");
        asl.output(single("{\"Type\":\"Wait\",\"Timestamp\":\"2026-03-14T01:02:00Z\",\"End\":true}"), "{}");
        asl.output(single("{\"Type\":\"Wait\",\"TimestampPath\":\"$.t\",\"End\":true}"), "{\"t\":\"2026-03-14T02:00:00+01:00\"}");
        asl.output(single("{\"Type\":\"Wait\",\"Timestamp\":\"2020-01-01T00:00:00Z\",\"End\":true}"), "{}");

        assertThat(asl.sleeps).containsExactly(Duration.ofSeconds(10), Duration.ofSeconds(3), Duration.ofMinutes(2));
        assertThat(asl.run(single("{\"Type\":\"Wait\",\"SecondsPath\":\"$.s\",\"End\":true}"), "{\"s\":\"x\"}"))
                .isInstanceOfSatisfying(ExecutionResult.Failed.class,
                        failed -> assertThat(failed.error()).isEqualTo("States.Runtime"));
    }

    @Test
    void interruptingTheRunnerAbortsAWaitPromptly() throws Exception {
        Interpreter real = new Interpreter((resource, input) -> input);
        List<String> types = new CopyOnWriteArrayList<>();
        StateMachineDefinition definition = StateMachineDefinition.parse(
                single("{\"Type\":\"Wait\",\"Seconds\":600,\"End\":true}"));
        CompletableFuture<ExecutionResult> result = new CompletableFuture<>();
        Thread runner = Thread.ofVirtual().start(() -> result.complete(real.run(definition, start(), (type, d) -> {
            types.add(type);
            return types.size();
        })));

        while (!types.contains("WaitStateEntered")) {
            Thread.sleep(5);
        }
        runner.interrupt();

        assertThat(result.get(2, TimeUnit.SECONDS)).isInstanceOf(ExecutionResult.Aborted.class);
        assertThat(types).containsExactly("WaitStateEntered");
    }

    @Test
    void stopReachesRunningMapIterations() throws Exception {
        CountDownLatch started = new CountDownLatch(3);
        CountDownLatch interrupted = new CountDownLatch(3);
        asl.fn("Hang", in -> {
            started.countDown();
            try {
                Thread.sleep(60_000);
                return in;
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
        });
        String definition = single("""
                {"Type":"Map","End":true,"ItemProcessor":{"StartAt":"T","States":{
                  "T":{"Type":"Task","Resource":"arn:aws:lambda:eu-west-1:123456789012:function:Hang","End":true}}}}""");
        CompletableFuture<ExecutionResult> result = new CompletableFuture<>();
        Thread runner = Thread.ofVirtual().start(() -> result.complete(asl.run(definition, "[1,2,3]")));

        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        runner.interrupt();

        assertThat(result.get(2, TimeUnit.SECONDS)).isInstanceOf(ExecutionResult.Aborted.class);
        assertThat(interrupted.await(2, TimeUnit.SECONDS)).isTrue();
        assertThat(asl.types()).doesNotContain("MapStateSucceeded", "ExecutionSucceeded", "ExecutionFailed");
    }

    @Test
    void machineTimeoutEndsTheExecutionAsTimedOutAtTheRunningState() {
        Interpreter real = new Interpreter((resource, input) -> input);
        List<String> types = new CopyOnWriteArrayList<>();
        StateMachineDefinition definition = StateMachineDefinition.parse("""
                {"TimeoutSeconds":1,"StartAt":"A","States":{"A":{"Type":"Pass","Result":{"at":"W"},"Next":"W"},
                 "W":{"Type":"Wait","Seconds":600,"End":true}}}""");

        ExecutionResult result = real.run(definition, start(), (type, d) -> {
            types.add(type);
            return types.size();
        });

        assertThat(result).isEqualTo(new ExecutionResult.TimedOut("States.Timeout",
                "The execution ran longer than its TimeoutSeconds of 1.", new ResumePoint("W", json("{\"at\":\"W\"}"))));
        assertThat(types).endsWith("WaitStateEntered");
    }

    @Test
    void redriveStartsAtTheResumePointWithoutExecutionStarted() {
        StateMachineDefinition definition = StateMachineDefinition.parse("""
                {"StartAt":"A","States":{"A":{"Type":"Fail","Error":"Never"},
                 "B":{"Type":"Pass","Parameters":{"in.$":"$.x","redrives.$":"$$.Execution.RedriveCount"},"End":true}}}""");

        ExecutionResult result = asl.run(definition, "{}", new ResumePoint("B", json("{\"x\":5}")), 1);

        assertThat(result).isEqualTo(new ExecutionResult.Succeeded(json("{\"in\":5,\"redrives\":1}")));
        assertThat(asl.types()).containsExactly("PassStateEntered", "PassStateExited");
    }

    private static ExecutionStart start() {
        JsonNode input = Json.object();
        return new ExecutionStart("arn:aws:states:eu-west-1:1:execution:M:e", "e",
                "arn:aws:states:eu-west-1:1:stateMachine:M", "M", "role", input, Instant.now(), 0, null);
    }

    /** SecondsPath takes what Seconds takes, an integer from 0 to 99999999; a longer wait never ends. */
    @ParameterizedTest
    @ValueSource(strings = {"100000000", "9223372036854775807", "9223372036854775808", "-1", "1.5", "\"3\"", "null"})
    void aSecondsPathOutsideItsRangeFailsTheExecutionWithStatesRuntime(String value) {
        assertThat(asl.run(single("{\"Type\":\"Wait\",\"SecondsPath\":\"$.s\",\"End\":true}"), "{\"s\":" + value + "}"))
                .isInstanceOfSatisfying(ExecutionResult.Failed.class, failed -> {
                    assertThat(failed.error()).isEqualTo("States.Runtime");
                    assertThat(failed.cause()).contains("SecondsPath", "$.s");
                });
        assertThat(asl.sleeps).isEmpty();
    }

    @Test
    void aSecondsPathOfTheLongestWaitIsAccepted() {
        asl.output(single("{\"Type\":\"Wait\",\"SecondsPath\":\"$.s\",\"End\":true}"), "{\"s\":99999999}");

        assertThat(asl.sleeps).containsExactly(Duration.ofSeconds(99_999_999));
    }
}
