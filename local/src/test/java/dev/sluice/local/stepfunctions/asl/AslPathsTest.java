package dev.sluice.local.stepfunctions.asl;

import static dev.sluice.local.stepfunctions.asl.AslHarness.json;
import static dev.sluice.local.stepfunctions.asl.AslHarness.single;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import org.junit.jupiter.api.Test;

class AslPathsTest {

    private final AslHarness asl = new AslHarness();

    @Test
    void specExampleInputPathResultPathOutputPath() {
        asl.fn("Add", in -> IntNode.valueOf(in.get("val1").asInt() + in.get("val2").asInt()));
        String definition = single("""
                {"Type":"Task","Resource":"arn:aws:lambda:eu-west-1:123456789012:function:Add",
                 "InputPath":"$.numbers","ResultPath":"$.sum","OutputPath":"$","End":true}""");

        assertThat(asl.output(definition, "{\"title\":\"Numbers to add\",\"numbers\":{\"val1\":3,\"val2\":4}}"))
                .isEqualTo(json("{\"title\":\"Numbers to add\",\"numbers\":{\"val1\":3,\"val2\":4},\"sum\":7}"));
    }

    @Test
    void resultSelectorShapesTheResultBeforeResultPath() {
        asl.fn("F", in -> json("{\"Payload\":{\"id\":9},\"StatusCode\":200}"));
        String definition = single("""
                {"Type":"Task","Resource":"arn:aws:lambda:eu-west-1:123456789012:function:F",
                 "ResultSelector":{"id.$":"$.Payload.id","code.$":"$.StatusCode"},"ResultPath":"$.r",
                 "OutputPath":"$.r","End":true}""");

        assertThat(asl.output(definition, "{}")).isEqualTo(json("{\"id\":9,\"code\":200}"));
    }

    @Test
    void referencePathCreatesMissingObjectsAndWritesIndexes() {
        JsonNode input = json("{\"a\":{\"list\":[1,2]}}");

        assertThat(ReferencePath.parse("$.a.b['c d']").set(input, IntNode.valueOf(1)))
                .isEqualTo(json("{\"a\":{\"list\":[1,2],\"b\":{\"c d\":1}}}"));
        assertThat(ReferencePath.parse("$.a.list[1]").set(input, IntNode.valueOf(9)))
                .isEqualTo(json("{\"a\":{\"list\":[1,9]}}"));
        assertThat(input).isEqualTo(json("{\"a\":{\"list\":[1,2]}}"));
        assertThatThrownBy(() -> ReferencePath.parse("$.a[*]")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ReferencePath.parse("$..a")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void resultPathIntoANonObjectIsAResultPathMatchFailure() {
        ExecutionResult result = asl.run(single("{\"Type\":\"Pass\",\"Result\":1,\"ResultPath\":\"$.a.b\",\"End\":true}"),
                "{\"a\":\"text\"}");

        assertThat(result).isInstanceOfSatisfying(ExecutionResult.Failed.class,
                failed -> assertThat(failed.error()).isEqualTo("States.ResultPathMatchFailure"));
    }

    @Test
    void aPathMatchingNothingIsAStatesRuntimeErrorThatStatesAllDoesNotCatch() {
        asl.fn("F", in -> in);
        String definition = """
                {"StartAt":"T","States":{
                 "T":{"Type":"Task","Resource":"arn:aws:lambda:eu-west-1:123456789012:function:F",
                      "InputPath":"$.missing","Catch":[{"ErrorEquals":["States.ALL"],"Next":"Caught"}],"End":true},
                 "Caught":{"Type":"Succeed"}}}""";

        ExecutionResult result = asl.run(definition, "{\"x\":1}");

        assertThat(result).isInstanceOfSatisfying(ExecutionResult.Failed.class, failed -> {
            assertThat(failed.error()).isEqualTo("States.Runtime");
            assertThat(failed.redriveFrom()).isEqualTo(new ResumePoint("T", json("{\"x\":1}")));
        });
        assertThat(asl.types()).doesNotContain("SucceedStateEntered", "LambdaFunctionScheduled");
    }

    @Test
    void outputOverTheQuotaIsDataLimitExceeded() {
        String big = "x".repeat(DataFlow.MAX_PAYLOAD_BYTES);
        ExecutionResult result = asl.run(single("{\"Type\":\"Pass\",\"Result\":\"%s\",\"End\":true}".formatted(big)),
                "{}");

        assertThat(result).isInstanceOfSatisfying(ExecutionResult.Failed.class,
                failed -> assertThat(failed.error()).isEqualTo("States.DataLimitExceeded"));
        assertThat(asl.output(single("{\"Type\":\"Pass\",\"Result\":\"%s\",\"End\":true}"
                .formatted("x".repeat(DataFlow.MAX_PAYLOAD_BYTES - 2))), "{}").asText()).hasSize(262_142);
    }

    @Test
    void contextObjectIsReadableThroughDoubleDollarPaths() {
        String definition = single("""
                {"Type":"Pass","Parameters":{"id.$":"$$.Execution.Id","name.$":"$$.Execution.Name",
                 "machine.$":"$$.StateMachine.Name","state.$":"$$.State.Name","entered.$":"$$.State.EnteredTime",
                 "input.$":"$$.Execution.Input.k","role.$":"$$.Execution.RoleArn","redrives.$":"$$.Execution.RedriveCount",
                 "start.$":"$$.Execution.StartTime","retries.$":"$$.State.RetryCount"},"End":true}""");

        assertThat(asl.output(definition, "{\"k\":\"v\"}")).isEqualTo(json("""
                {"id":"arn:aws:states:eu-west-1:123456789012:execution:Machine:exec-1","name":"exec-1",
                 "machine":"Machine","state":"S","entered":"2026-03-14T01:00:00Z","input":"v",
                 "role":"arn:aws:iam::123456789012:role/sfn","redrives":0,"start":"2026-03-14T01:00:00Z","retries":0}"""));
        assertThat(asl.run(single("{\"Type\":\"Pass\",\"Parameters\":{\"t.$\":\"$$.Task.Token\"},\"End\":true}"), "{}"))
                .isInstanceOfSatisfying(ExecutionResult.Failed.class,
                        failed -> assertThat(failed.error()).isEqualTo("States.Runtime"));
    }
}
