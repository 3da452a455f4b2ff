package dev.sluice.local.stepfunctions.asl;

import static dev.sluice.local.stepfunctions.asl.AslHarness.json;
import static dev.sluice.local.stepfunctions.asl.AslHarness.single;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AslMapParallelTest {

    private final AslHarness asl = new AslHarness();

    private static final String FN = "arn:aws:lambda:eu-west-1:123456789012:function:";

    @Test
    void parallelGivesEachBranchTheInputAndCollectsResultsInOrder() {
        asl.fn("Slow", in -> {
            Thread.sleep(50);
            return IntNode.valueOf(in.get("x").asInt() * 10);
        });
        String definition = single("""
                {"Type":"Parallel","ResultPath":"$.results","End":true,"Branches":[
                  {"StartAt":"B1","States":{"B1":{"Type":"Task","Resource":"%sSlow","End":true}}},
                  {"StartAt":"B2","States":{"B2":{"Type":"Pass","InputPath":"$.x","End":true}}}]}""".formatted(FN));

        assertThat(asl.output(definition, "{\"x\":2}")).isEqualTo(json("{\"x\":2,\"results\":[20,2]}"));
        assertThat(asl.types()).containsSubsequence("ParallelStateEntered", "ParallelStateStarted",
                "ParallelStateSucceeded", "ParallelStateExited");
    }

    @Test
    void aFailingBranchFailsTheStateStopsTheOthersAndCanBeCaught() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        asl.fn("Hang", in -> {
            started.countDown();
            try {
                Thread.sleep(30_000);
                return in;
            } catch (InterruptedException e) {
                stopped.countDown();
                throw e;
            }
        });
        // The failing branch fails once the other is running: under load it could otherwise fail first.
        asl.fn("AwaitHang", in -> {
            started.await(5, TimeUnit.SECONDS);
            return in;
        });
        String definition = """
                {"StartAt":"P","States":{
                 "P":{"Type":"Parallel","Catch":[{"ErrorEquals":["States.ALL"],"Next":"Caught"}],"End":true,"Branches":[
                   {"StartAt":"H","States":{"H":{"Type":"Task","Resource":"%sHang","End":true}}},
                   {"StartAt":"W","States":{"W":{"Type":"Task","Resource":"%sAwaitHang","Next":"F"},
                     "F":{"Type":"Fail","Error":"Branch.Error","Cause":"c"}}}]},
                 "Caught":{"Type":"Pass","End":true}}}""".formatted(FN, FN);

        assertThat(asl.output(definition, "{}")).isEqualTo(json("{\"Error\":\"Branch.Error\",\"Cause\":\"c\"}"));
        assertThat(stopped.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(asl.types()).contains("ParallelStateFailed").doesNotContain("ParallelStateSucceeded");
    }

    @Test
    void mapRunsTheItemProcessorPerItemWithItemSelectorAndContext() {
        asl.fn("Double", in -> IntNode.valueOf(in.get("value").asInt() * 2 + in.get("index").asInt() * 100));
        String definition = single("""
                {"Type":"Map","ItemsPath":"$.items","MaxConcurrency":0,
                 "ItemSelector":{"index.$":"$$.Map.Item.Index","value.$":"$$.Map.Item.Value","tag.$":"$.tag"},
                 "ItemProcessor":{"ProcessorConfig":{"Mode":"INLINE"},"StartAt":"D",
                   "States":{"D":{"Type":"Task","Resource":"%sDouble","End":true}}},
                 "ResultPath":"$.out","End":true}""".formatted(FN));

        assertThat(asl.output(definition, "{\"tag\":\"t\",\"items\":[1,2,3]}"))
                .isEqualTo(json("{\"tag\":\"t\",\"items\":[1,2,3],\"out\":[2,104,206]}"));
        assertThat(asl.events("MapStateStarted").getFirst().details()).isEqualTo(json("{\"length\":3}"));
        assertThat(asl.events("MapIterationSucceeded")).hasSize(3);
        assertThat(asl.events("MapIterationStarted").stream().map(e -> e.detail("name"))).containsOnly("S");
        assertThat(asl.types()).containsSubsequence("MapStateEntered", "MapStateStarted", "MapStateSucceeded",
                "MapStateExited");
    }

    @Test
    void legacyIteratorAndParametersStillWork() {
        String definition = single("""
                {"Type":"Map","Parameters":{"v.$":"$$.Map.Item.Value"},
                 "Iterator":{"StartAt":"P","States":{"P":{"Type":"Pass","OutputPath":"$.v","End":true}}},"End":true}""");

        assertThat(asl.output(definition, "[\"a\",\"b\"]")).isEqualTo(json("[\"a\",\"b\"]"));
    }

    @Test
    void maxConcurrencyBoundsIterationsAndZeroRunsThemAllAtOnce() {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        asl.fn("Track", in -> {
            peak.accumulateAndGet(running.incrementAndGet(), Math::max);
            Thread.sleep(20);
            running.decrementAndGet();
            return in;
        });
        String bounded = single("""
                {"Type":"Map","MaxConcurrencyPath":"$.limit","ItemsPath":"$.items","End":true,
                 "ItemProcessor":{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"%sTrack","End":true}}}}"""
                .formatted(FN));
        asl.output(bounded, "{\"limit\":2,\"items\":[1,2,3,4,5,6]}");
        assertThat(peak.get()).isEqualTo(2);

        CountDownLatch all = new CountDownLatch(5);
        asl.fn("Barrier", in -> {
            all.countDown();
            return IntNode.valueOf(all.await(5, TimeUnit.SECONDS) ? 1 : 0);
        });
        String unbounded = single("""
                {"Type":"Map","End":true,
                 "ItemProcessor":{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"%sBarrier","End":true}}}}"""
                .formatted(FN));
        assertThat(asl.output(unbounded, "[1,2,3,4,5]")).isEqualTo(json("[1,1,1,1,1]"));
    }

    @Test
    void toleratedFailuresAreReportedAndExceedingThemFailsTheMap() {
        asl.fn("Odd", in -> {
            if (in.asInt() % 2 == 1) {
                throw new TaskFailure("Odd.Error", "odd " + in.asInt());
            }
            return in;
        });
        String definition = single("""
                {"Type":"Map","MaxConcurrency":1,"ToleratedFailureCount":1,"End":true,
                 "ItemProcessor":{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"%sOdd","End":true}}}}"""
                .formatted(FN));

        assertThat(asl.output(definition, "[1,2]"))
                .isEqualTo(json("[{\"Error\":\"Odd.Error\",\"Cause\":\"odd 1\"},2]"));
        assertThat(asl.run(definition, "[1,2,3]")).isInstanceOfSatisfying(ExecutionResult.Failed.class,
                failed -> assertThat(failed.error()).isEqualTo("States.ExceedToleratedFailureThreshold"));
        assertThat(asl.types()).contains("MapIterationFailed", "MapStateFailed");

        String byPercentage = definition.replace("\"ToleratedFailureCount\":1", "\"ToleratedFailurePercentage\":50");
        assertThat(new AslHarness().fn("Odd", asl.functions.get(FN + "Odd")).run(byPercentage, "[1,2,3]"))
                .isInstanceOf(ExecutionResult.Failed.class);
        assertThat(new AslHarness().fn("Odd", asl.functions.get(FN + "Odd")).run(byPercentage, "[1,2,3,4]"))
                .isInstanceOf(ExecutionResult.Succeeded.class);
    }

    @Test
    void withoutToleranceTheIterationErrorFailsTheMap() {
        String definition = single("""
                {"Type":"Map","End":true,"ItemProcessor":{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"Item.Bad"}}}}""");

        assertThat(asl.run(definition, "[1]")).isInstanceOfSatisfying(ExecutionResult.Failed.class,
                failed -> assertThat(failed.error()).isEqualTo("Item.Bad"));
    }

    /**
     * A value the input gives MaxConcurrency or ToleratedFailureCount must be an integer from 0 to
     * 2^31-1, ToleratedFailurePercentage a number from 0 to 100; anything else fails the execution
     * with States.Runtime (AWS reads them as Java ints). 2^31 used to hang the execution, 2^32 to
     * lift the limit.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "MaxConcurrencyPath|2147483648", "MaxConcurrencyPath|4294967296", "MaxConcurrencyPath|9223372036854775808",
        "MaxConcurrencyPath|-1", "MaxConcurrencyPath|1.5", "MaxConcurrencyPath|2.0", "MaxConcurrencyPath|1e3",
        "MaxConcurrencyPath|\"2\"", "MaxConcurrencyPath|null", "MaxConcurrencyPath|true",
        "ToleratedFailureCountPath|2147483648", "ToleratedFailureCountPath|-1", "ToleratedFailureCountPath|0.5",
        "ToleratedFailureCountPath|\"1\"",
        "ToleratedFailurePercentagePath|100.5", "ToleratedFailurePercentagePath|-1",
        "ToleratedFailurePercentagePath|\"50\""})
    @Timeout(10)
    void aPathSettingOutsideItsRangeFailsTheExecutionWithStatesRuntime(String field, String value) {
        String definition = single("""
                {"Type":"Map","%s":"$.setting","ItemsPath":"$.items","End":true,
                 "ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}}""".formatted(field));

        assertThat(asl.run(definition, "{\"setting\":" + value + ",\"items\":[1,2,3]}"))
                .isInstanceOfSatisfying(ExecutionResult.Failed.class, failed -> {
                    assertThat(failed.error()).isEqualTo("States.Runtime");
                    assertThat(failed.cause()).contains(field, "$.setting");
                });
        assertThat(asl.types()).doesNotContain("MapIterationStarted");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"MaxConcurrencyPath|2147483647", "MaxConcurrencyPath|0",
        "ToleratedFailureCountPath|2147483647", "ToleratedFailurePercentagePath|0.5"})
    @Timeout(10)
    void aPathSettingAtTheEndsOfItsRangeIsAccepted(String field, String value) {
        String definition = single("""
                {"Type":"Map","%s":"$.setting","ItemsPath":"$.items","End":true,
                 "ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}}""".formatted(field));

        assertThat(asl.output(definition, "{\"setting\":" + value + ",\"items\":[1,2,3]}")).isEqualTo(json("[1,2,3]"));
    }
}
