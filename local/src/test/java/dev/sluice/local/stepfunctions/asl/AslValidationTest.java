package dev.sluice.local.stepfunctions.asl;

import static dev.sluice.local.stepfunctions.asl.AslHarness.single;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AslValidationTest {

    private static final String FN = "arn:aws:lambda:eu-west-1:123456789012:function:F";

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"Type\":\"Task\",\"Resource\":\"" + FN + "\",\"Retry\":[{\"ErrorEquals\":[\"E\"],\"BackoffRate\":0.5}],\"End\":true}"
                + "|State \"S\": field \"Retry[0].BackoffRate\": must be >= 1.0",
        "{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::sqs:sendMessage\",\"End\":true}"
                + "|State \"S\": field \"Resource\": arn:aws:states:::sqs:sendMessage is not supported",
        "{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::lambda:invoke.waitForTaskToken\",\"End\":true}"
                + "|field \"Resource\": arn:aws:states:::lambda:invoke.waitForTaskToken is not supported",
        "{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::states:startExecution.sync\",\"End\":true}"
                + "|field \"Resource\": arn:aws:states:::states:startExecution.sync is not supported",
        "{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:eu-west-1:123456789012:activity:A\",\"End\":true}"
                + "|field \"Resource\": arn:aws:states:eu-west-1:123456789012:activity:A is not supported",
        "{\"Type\":\"Task\",\"Resource\":\"" + FN + "\",\"TimeoutSeconds\":5,\"TimeoutSecondsPath\":\"$.t\",\"End\":true}"
                + "|field \"TimeoutSecondsPath\": cannot be used together with \"TimeoutSeconds\"",
        "{\"Type\":\"Task\",\"Resource\":\"" + FN + "\",\"HeartbeatSeconds\":60,\"End\":true}"
                + "|field \"HeartbeatSeconds\": must be smaller than TimeoutSeconds",
        "{\"Type\":\"Task\",\"Resource\":\"" + FN + "\",\"Retry\":[{\"ErrorEquals\":[\"States.ALL\",\"E\"]}],\"End\":true}"
                + "|field \"Retry[0].ErrorEquals\": States.ALL must appear alone",
        "{\"Type\":\"Task\",\"Resource\":\"" + FN + "\",\"Catch\":[{\"ErrorEquals\":[\"States.ALL\"],\"Next\":\"S\"},"
                + "{\"ErrorEquals\":[\"E\"],\"Next\":\"S\"}],\"End\":true}"
                + "|field \"Catch[0].ErrorEquals\": States.ALL must appear alone and in the last",
        "{\"Type\":\"Task\",\"Resource\":\"" + FN + "\",\"Catch\":[{\"ErrorEquals\":[\"E\"],\"Next\":\"Nowhere\"}],\"End\":true}"
                + "|State \"S\": field \"Catch[0].Next\": state \"Nowhere\" does not exist",
        "{\"Type\":\"Task\",\"Resource\":\"" + FN + "\",\"Arguments\":{},\"End\":true}"
                + "|State \"S\": field \"Arguments\": is not supported",
        "{\"Type\":\"Pass\",\"Assign\":{\"a\":1},\"End\":true}|State \"S\": field \"Assign\": is not supported",
        "{\"Type\":\"Pass\",\"Output\":{},\"End\":true}|State \"S\": field \"Output\": is not supported",
        "{\"Type\":\"Pass\",\"QueryLanguage\":\"JSONata\",\"End\":true}"
                + "|State \"S\": field \"QueryLanguage\": JSONata is not supported",
        "{\"Type\":\"Pass\"}|State \"S\": field \"Next\": is required unless \"End\" is true",
        "{\"Type\":\"Pass\",\"Next\":\"Gone\"}|State \"S\": field \"Next\": state \"Gone\" does not exist",
        "{\"Type\":\"Pass\",\"InputPath\":\"$.a[?(@.b\",\"End\":true}|State \"S\": field \"InputPath\": not a valid path",
        "{\"Type\":\"Pass\",\"ResultPath\":\"$.a[*]\",\"End\":true}|State \"S\": field \"ResultPath\": not a valid reference path",
        "{\"Type\":\"Pass\",\"Parameters\":{\"a.$\":\"nope\"},\"End\":true}|State \"S\": field \"Parameters\": key \"a.$\"",
        "{\"Type\":\"Wait\",\"Seconds\":1,\"SecondsPath\":\"$.s\",\"End\":true}"
                + "|State \"S\": field \"SecondsPath\": cannot be used together with \"Seconds\"",
        "{\"Type\":\"Wait\",\"Timestamp\":\"tomorrow\",\"End\":true}|State \"S\": field \"Timestamp\": must be an RFC 3339",
        "{\"Type\":\"Wait\",\"End\":true}|State \"S\": field \"Seconds\": one of Seconds",
        "{\"Type\":\"Fail\",\"Error\":\"E\",\"ErrorPath\":\"$.e\"}|State \"S\": field \"ErrorPath\": cannot be used together",
        "{\"Type\":\"Choice\",\"Choices\":[{\"Variable\":\"$.a\",\"NumericEquals\":\"1\",\"Next\":\"S\"}]}"
                + "|State \"S\": field \"Choices[0].NumericEquals\": has a value of the wrong type",
        "{\"Type\":\"Choice\",\"Choices\":[{\"Variable\":\"$.a\",\"StringMatchesPath\":\"$.b\",\"Next\":\"S\"}]}"
                + "|State \"S\": field \"Choices[0].StringMatchesPath\": is not a comparison operator",
        "{\"Type\":\"Choice\",\"Choices\":[{\"Not\":{\"Variable\":\"$.a\",\"IsNull\":true,\"Next\":\"S\"},\"Next\":\"S\"}]}"
                + "|State \"S\": field \"Choices[0].Not.Next\": is only allowed on top-level",
        "{\"Type\":\"Choice\",\"Choices\":[{\"Variable\":\"$.a\",\"Next\":\"S\"}]}"
                + "|State \"S\": field \"Choices[0].Variable\": a Choice rule needs",
        "{\"Type\":\"Map\",\"ItemProcessor\":{\"ProcessorConfig\":{\"Mode\":\"DISTRIBUTED\"},\"StartAt\":\"P\","
                + "\"States\":{\"P\":{\"Type\":\"Succeed\"}}},\"End\":true}"
                + "|State \"S\": field \"ItemProcessor.ProcessorConfig.Mode\": DISTRIBUTED is not supported",
        "{\"Type\":\"Map\",\"ItemReader\":{},\"ItemProcessor\":{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Succeed\"}}},"
                + "\"End\":true}|State \"S\": field \"ItemReader\": is not supported",
        "{\"Type\":\"Map\",\"ResultWriter\":{},\"ItemProcessor\":{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Succeed\"}}},"
                + "\"End\":true}|State \"S\": field \"ResultWriter\": is not supported",
        "{\"Type\":\"Map\",\"ItemProcessor\":{\"StartAt\":\"Q\",\"States\":{\"P\":{\"Type\":\"Succeed\"}}},\"End\":true}"
                + "|State \"S\": field \"ItemProcessor.StartAt\": state \"Q\" does not exist",
        "{\"Type\":\"Parallel\",\"Branches\":[{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"Next\":\"S\"}}}],\"End\":true}"
                + "|State \"P\": field \"Next\": state \"S\" does not exist",
        "{\"Type\":\"Map\",\"MaxConcurrency\":18446744073709551616,\"ItemProcessor\":{\"StartAt\":\"P\","
                + "\"States\":{\"P\":{\"Type\":\"Succeed\"}}},\"End\":true}"
                + "|State \"S\": field \"MaxConcurrency\": must be an integer from 0 to 2147483647",
        "{\"Type\":\"Wait\",\"Seconds\":18446744073709551616,\"End\":true}"
                + "|State \"S\": field \"Seconds\": must be an integer from 0 to 99999999",
        "{\"Type\":\"Teleport\",\"End\":true}|State \"S\": field \"Type\": Teleport is not a state type"})
    void refusesAtLoadNamingStateAndField(String state, String message) {
        assertThatThrownBy(() -> StateMachineDefinition.parse(single(state)))
                .isInstanceOf(InvalidDefinitionException.class)
                .hasMessageContaining(message);
    }

    @Test
    void machineLevelProblemsAreNamedToo() {
        assertThatThrownBy(() -> StateMachineDefinition.parse("{\"StartAt\":\"X\",\"States\":{\"S\":{\"Type\":\"Succeed\"}}}"))
                .hasMessage("State machine: field \"StartAt\": state \"X\" does not exist");
        assertThatThrownBy(() -> StateMachineDefinition.parse(
                "{\"QueryLanguage\":\"JSONata\",\"StartAt\":\"S\",\"States\":{\"S\":{\"Type\":\"Succeed\"}}}"))
                .hasMessage("State machine: field \"QueryLanguage\": JSONata is not supported");
        assertThatThrownBy(() -> StateMachineDefinition.parse("{\"StartAt\":"))
                .isInstanceOf(InvalidDefinitionException.class).hasMessageStartingWith("State machine: not valid JSON");
    }

    @Test
    void acceptsEveryFeatureItSupports() {
        assertThatCode(() -> StateMachineDefinition.parse("""
                {"Comment":"c","Version":"1.0","TimeoutSeconds":60,"QueryLanguage":"JSONPath","StartAt":"T","States":{
                 "T":{"Type":"Task","Resource":"arn:aws:lambda:eu-west-1:123456789012:function:F:live",
                      "TimeoutSecondsPath":"$.t","HeartbeatSeconds":10,"InputPath":"$","OutputPath":null,
                      "ResultSelector":{"a.$":"$.b"},"ResultPath":"$.r",
                      "Retry":[{"ErrorEquals":["E"],"IntervalSeconds":2,"MaxAttempts":0,"BackoffRate":1.0,
                                "MaxDelaySeconds":5,"JitterStrategy":"FULL"},{"ErrorEquals":["States.ALL"]}],
                      "Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":null,"Next":"W"}],"Next":"W"},
                 "W":{"Type":"Wait","TimestampPath":"$$.Execution.Input.when","Next":"M"},
                 "M":{"Type":"Map","ItemsPath":"$.items","MaxConcurrencyPath":"$.m","ToleratedFailurePercentagePath":"$.p",
                      "ToleratedFailureCountPath":"$.c","ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Succeed"}}},
                      "Next":"C"},
                 "C":{"Type":"Choice","Choices":[{"Variable":"$$.Execution.Name","StringMatches":"*x*","Next":"F"}],
                      "Default":"OK"},
                 "F":{"Type":"Fail","ErrorPath":"$.e","CausePath":"$.c"},
                 "OK":{"Type":"Succeed","InputPath":null}}}""")).doesNotThrowAnyException();
    }
}
