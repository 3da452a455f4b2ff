package dev.sluice.local.stepfunctions.asl;

import static dev.sluice.local.stepfunctions.asl.AslHarness.json;
import static dev.sluice.local.stepfunctions.asl.AslHarness.single;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AslPassTest {

    private final AslHarness asl = new AslHarness();

    @Test
    void specExampleResultIsPlacedAtResultPath() {
        String definition = single("""
                {"Type":"Pass","Result":{"x-datum":0.381018,"y-datum":622.2269926397355},
                 "ResultPath":"$.coords","End":true}""");

        assertThat(asl.output(definition, "{\"georefOf\":\"Home\"}")).isEqualTo(json("""
                {"georefOf":"Home","coords":{"x-datum":0.381018,"y-datum":622.2269926397355}}"""));
    }

    @Test
    void withoutResultTheEffectiveInputIsTheResult() {
        String definition = single("""
                {"Type":"Pass","InputPath":"$.a","Parameters":{"copy.$":"$.b","fixed":[1,{"n.$":"$.b"}]},
                 "ResultPath":"$.out","End":true}""");

        assertThat(asl.output(definition, "{\"a\":{\"b\":5}}"))
                .isEqualTo(json("{\"a\":{\"b\":5},\"out\":{\"copy\":5,\"fixed\":[1,{\"n\":5}]}}"));
    }

    @Test
    void nullPathsDiscardAsTheSpecSays() {
        assertThat(asl.output(single("{\"Type\":\"Pass\",\"Result\":1,\"ResultPath\":null,\"End\":true}"),
                "{\"keep\":true}")).isEqualTo(json("{\"keep\":true}"));
        assertThat(asl.output(single("{\"Type\":\"Pass\",\"InputPath\":null,\"End\":true}"), "{\"gone\":1}"))
                .isEqualTo(json("{}"));
        assertThat(asl.output(single("{\"Type\":\"Pass\",\"OutputPath\":null,\"End\":true}"), "{\"gone\":1}"))
                .isEqualTo(json("{}"));
    }

    @Test
    void writesStateEventsWithAwsDetails() {
        asl.output("""
                {"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Succeed"}}}""", "{\"x\":1}");

        assertThat(asl.types()).containsExactly("PassStateEntered", "PassStateExited",
                "SucceedStateEntered", "SucceedStateExited");
        assertThat(asl.history.get(0).details()).isEqualTo(json("{\"name\":\"A\",\"input\":\"{\\\"x\\\":1}\"}"));
        assertThat(asl.history.get(1).details()).isEqualTo(json("{\"name\":\"A\",\"output\":\"{\\\"x\\\":1}\"}"));
        assertThat(asl.history.get(3).detail("output")).isEqualTo("{\"x\":1}");
    }

    @Test
    void failStateFailsTheExecutionWithItsErrorAndCause() {
        ExecutionResult result = asl.run("""
                {"StartAt":"A","States":{"A":{"Type":"Pass","Next":"F"},
                 "F":{"Type":"Fail","ErrorPath":"$.e","Cause":"bad"}}}""", "{\"e\":\"My.Error\"}");

        assertThat(result).isEqualTo(new ExecutionResult.Failed("My.Error", "bad",
                new ResumePoint("F", json("{\"e\":\"My.Error\"}"))));
        assertThat(asl.types()).endsWith("FailStateEntered").doesNotContain("FailStateExited");
    }
}
