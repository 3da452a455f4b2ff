package dev.sluice.local.stepfunctions.asl;

import static dev.sluice.local.stepfunctions.asl.AslHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class AslChoiceTest {

    private final AslHarness asl = new AslHarness();

    /** The spec's Choice example, with the states it leads to made observable. */
    private static final String SPEC_EXAMPLE = """
            {"StartAt":"ChoiceStateX","States":{
             "ChoiceStateX":{"Type":"Choice","Choices":[
               {"Not":{"Variable":"$.type","StringEquals":"Private"},"Next":"Public"},
               {"And":[{"Variable":"$.value","IsPresent":true},{"Variable":"$.value","IsNumeric":true},
                       {"Variable":"$.value","NumericGreaterThanEquals":20},{"Variable":"$.value","NumericLessThan":30}],
                "Next":"ValueInTwenties"}],
              "Default":"DefaultState"},
             "Public":{"Type":"Pass","Result":"Public","End":true},
             "ValueInTwenties":{"Type":"Pass","Result":"ValueInTwenties","End":true},
             "DefaultState":{"Type":"Pass","Result":"DefaultState","End":true}}}""";

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"type\":\"Public\"}|Public",
        "{\"type\":\"Private\",\"value\":25}|ValueInTwenties",
        "{\"type\":\"Private\",\"value\":30}|DefaultState",
        "{\"type\":\"Private\"}|DefaultState"})
    void specExample(String input, String expected) {
        assertThat(asl.output(SPEC_EXAMPLE, input).asText()).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "\"StringEquals\":\"b\"|\"b\"|true",
        "\"StringEquals\":\"b\"|1|false",
        "\"StringLessThan\":\"b\"|\"a\"|true",
        "\"StringGreaterThan\":\"b\"|\"a\"|false",
        "\"StringLessThanEquals\":\"b\"|\"b\"|true",
        "\"StringGreaterThanEquals\":\"b\"|\"c\"|true",
        "\"StringEqualsPath\":\"$.other\"|\"o\"|true",
        "\"StringLessThanPath\":\"$.other\"|\"a\"|true",
        "\"NumericEquals\":2|2.0|true",
        "\"NumericEquals\":2|\"2\"|false",
        "\"NumericLessThan\":2|1|true",
        "\"NumericGreaterThan\":2|1|false",
        "\"NumericLessThanEquals\":2|2|true",
        "\"NumericGreaterThanEquals\":2|3|true",
        "\"NumericEqualsPath\":\"$.n\"|5|true",
        "\"NumericGreaterThanPath\":\"$.n\"|4|false",
        "\"BooleanEquals\":true|true|true",
        "\"BooleanEquals\":true|\"true\"|false",
        "\"BooleanEqualsPath\":\"$.flag\"|false|true",
        "\"TimestampEquals\":\"2026-01-01T00:00:00Z\"|\"2026-01-01T01:00:00+01:00\"|true",
        "\"TimestampLessThan\":\"2026-01-01T00:00:00Z\"|\"2025-12-31T23:59:59Z\"|true",
        "\"TimestampGreaterThan\":\"2026-01-01T00:00:00Z\"|\"2025-12-31T23:59:59Z\"|false",
        "\"TimestampLessThanEquals\":\"2026-01-01T00:00:00Z\"|\"2026-01-01T00:00:00Z\"|true",
        "\"TimestampGreaterThanEquals\":\"2026-01-01T00:00:00Z\"|\"not a time\"|false",
        "\"TimestampGreaterThanPath\":\"$.ts\"|\"2026-06-01T00:00:00Z\"|true",
        "\"StringMatches\":\"log-*.txt\"|\"log-2026.txt\"|true",
        "\"StringMatches\":\"log-*.txt\"|\"log-2026.csv\"|false",
        "\"StringMatches\":\"a\\\\*b\"|\"a*b\"|true",
        "\"StringMatches\":\"a\\\\*b\"|\"axxb\"|false",
        "\"IsNull\":true|null|true",
        "\"IsNull\":false|1|true",
        "\"IsNumeric\":true|1.5|true",
        "\"IsString\":true|1|false",
        "\"IsBoolean\":true|false|true",
        "\"IsTimestamp\":true|\"2026-01-01T00:00:00Z\"|true",
        "\"IsTimestamp\":true|\"2026-01-01\"|false"})
    void comparisonOperators(String operator, String value, boolean matches) {
        String definition = """
                {"StartAt":"C","States":{
                 "C":{"Type":"Choice","Choices":[{"Variable":"$.v",%s,"Next":"Yes"}],"Default":"No"},
                 "Yes":{"Type":"Pass","Result":true,"End":true},"No":{"Type":"Pass","Result":false,"End":true}}}"""
                .formatted(operator);
        String input = "{\"v\":%s,\"other\":\"o\",\"n\":5,\"flag\":false,\"ts\":\"2026-01-01T00:00:00Z\"}".formatted(value);

        assertThat(asl.output(definition, input).asBoolean()).isEqualTo(matches);
    }

    @Test
    void isPresentAndNotAndOrNest() {
        String definition = """
                {"StartAt":"C","States":{
                 "C":{"Type":"Choice","Choices":[{"Or":[{"Not":{"Variable":"$.a","IsPresent":true}},
                   {"And":[{"Variable":"$.a","IsNull":false},{"Variable":"$.a","StringEquals":"x"}]}],"Next":"Yes"}],
                  "Default":"No"},
                 "Yes":{"Type":"Pass","Result":true,"End":true},"No":{"Type":"Pass","Result":false,"End":true}}}""";

        assertThat(asl.output(definition, "{}").asBoolean()).isTrue();
        assertThat(asl.output(definition, "{\"a\":\"x\"}").asBoolean()).isTrue();
        assertThat(asl.output(definition, "{\"a\":null}").asBoolean()).isFalse();
    }

    @Test
    void noMatchWithoutDefaultIsNoChoiceMatchedAndMissingVariableIsRuntime() {
        String definition = """
                {"StartAt":"C","States":{"C":{"Type":"Choice","InputPath":"$.in","OutputPath":"$.keep",
                 "Choices":[{"Variable":"$.v","NumericEquals":1,"Next":"Done"}]},"Done":{"Type":"Succeed"}}}""";

        assertThat(asl.output(definition, "{\"in\":{\"v\":1,\"keep\":7}}")).isEqualTo(json("7"));
        assertThat(asl.run(definition, "{\"in\":{\"v\":2}}")).isInstanceOfSatisfying(ExecutionResult.Failed.class,
                failed -> assertThat(failed.error()).isEqualTo("States.NoChoiceMatched"));
        assertThat(asl.run(definition, "{\"in\":{}}")).isInstanceOfSatisfying(ExecutionResult.Failed.class,
                failed -> assertThat(failed.error()).isEqualTo("States.Runtime"));
        assertThat(asl.types()).contains("ChoiceStateEntered", "ChoiceStateExited");
    }
}
