package dev.sluice.local.stepfunctions.asl;

import static dev.sluice.local.stepfunctions.asl.SampleInput.eval;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Run-time failures: States.IntrinsicFailure with AWS's "Invalid arguments in States.X" cause. */
class IntrinsicsFailureTest {

    private static final String INPUT = "{\"arr\": [10, 20, 30], \"empty\": [], \"obj\": {\"k\": 1}, "
            + "\"str\": \"a,b\", \"num\": 7, \"nil\": null, \"template\": \"{} and {}\", \"notJson\": \"{oops\"}";

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "States.Format('{}', $.obj)                  | Invalid arguments in States.Format: argument 2 is an array or object",
        "States.Format('{}', $.arr)                  | Invalid arguments in States.Format: argument 2 is an array or object",
        "States.Format($.template, $.num)            | Invalid arguments in States.Format: number of arguments do not match",
        "States.Format($.num)                        | Invalid arguments in States.Format: the template must be a string",
        "States.StringToJson($.num)                  | Invalid arguments in States.StringToJson: the argument must be a string",
        "States.StringToJson($.notJson)              | Invalid arguments in States.StringToJson: not valid JSON",
        "States.StringToJson('')                     | Invalid arguments in States.StringToJson: the string is empty",
        "States.ArrayPartition($.arr, 0)             | Invalid arguments in States.ArrayPartition: the chunk size must be a positive integer",
        "States.ArrayPartition($.arr, 0.49)          | Invalid arguments in States.ArrayPartition: the chunk size must be a positive integer",
        "States.ArrayPartition($.arr, -1)            | Invalid arguments in States.ArrayPartition",
        "States.ArrayPartition($.obj, 2)             | Invalid arguments in States.ArrayPartition: the first argument must be an array, got object",
        "States.ArrayContains($.str, 'a')            | Invalid arguments in States.ArrayContains: the first argument must be an array, got string",
        "States.ArrayRange(1, 10, 0)                 | Invalid arguments in States.ArrayRange: the step must not be 0",
        "States.ArrayRange(1, 10, 0.49)              | Invalid arguments in States.ArrayRange: the step must not be 0",
        "States.ArrayRange(1, 1001, 1)               | Invalid arguments in States.ArrayRange: the range has 1001 items",
        "States.ArrayRange(1001, 1, -1)              | Invalid arguments in States.ArrayRange: the range has 1001 items",
        "States.ArrayRange('a', 5, 1)                | Invalid arguments in States.ArrayRange: start must be a number, got string",
        "States.ArrayGetItem($.arr, 3)               | Invalid arguments in States.ArrayGetItem: index 3 is out of bounds for an array of 3",
        "States.ArrayGetItem($.arr, -1)              | Invalid arguments in States.ArrayGetItem: index -1 is out of bounds",
        "States.ArrayGetItem($.arr, '1')             | Invalid arguments in States.ArrayGetItem: index must be a number",
        "States.ArrayGetItem('not-array', 0)         | Invalid arguments in States.ArrayGetItem: the first argument must be an array",
        "States.ArrayLength($.nil)                   | Invalid arguments in States.ArrayLength: the first argument must be an array, got null",
        "States.ArrayUnique($.num)                   | Invalid arguments in States.ArrayUnique",
        "States.Base64Encode($.num)                  | Invalid arguments in States.Base64Encode: the data must be a string",
        "States.Base64Decode('not base64!')          | Invalid arguments in States.Base64Decode: the data is not valid Base64",
        "States.Hash('data', 'sha-256')              | Invalid arguments in States.Hash: unsupported algorithm 'sha-256'",
        "States.Hash('data', 'SHA256')               | Invalid arguments in States.Hash: unsupported algorithm 'SHA256'",
        "States.Hash('data', 123)                    | Invalid arguments in States.Hash: the algorithm must be a string",
        "States.JsonMerge($.obj, $.obj, true)        | Invalid arguments in States.JsonMerge: the third argument must be false",
        "States.JsonMerge($.obj, $.obj, 'false')     | Invalid arguments in States.JsonMerge: the third argument must be false",
        "States.JsonMerge($.obj, $.arr, false)       | Invalid arguments in States.JsonMerge: the first two arguments must be JSON objects",
        "States.MathRandom(1, 1)                     | Invalid arguments in States.MathRandom: start (1) must be less than end (1)",
        "States.MathRandom(10, 5)                    | Invalid arguments in States.MathRandom: start (10) must be less than end (5)",
        "States.MathRandom(1.4, 1.6)                 | Invalid arguments in States.MathRandom: start (1) must be less than end (1)",
        "States.MathRandom(1, 10, null)              | Invalid arguments in States.MathRandom: seed must be a number",
        "States.MathAdd(2147483647, 1)               | Invalid arguments in States.MathAdd: the sum 2147483648 is outside",
        "States.MathAdd(-2147483648, -1)             | Invalid arguments in States.MathAdd: the sum -2147483649 is outside",
        "States.MathAdd(3000000000, 1)               | Invalid arguments in States.MathAdd: the first value 3000000000 is outside",
        "States.MathAdd(99999999999999999999, 1)     | Invalid arguments in States.MathAdd: the first value 99999999999999999999 is outside",
        "States.MathAdd(1e309, 1)                    | Invalid arguments in States.MathAdd: the first value",
        "States.MathAdd('1', 2)                      | Invalid arguments in States.MathAdd: the first value must be a number, got string",
        "States.MathAdd(true, 2)                     | Invalid arguments in States.MathAdd: the first value must be a number, got boolean",
        "States.StringSplit($.num, ',')              | Invalid arguments in States.StringSplit: the string must be a string",
        "States.StringSplit($.str, $.arr)            | Invalid arguments in States.StringSplit: the delimiter must be a string",
        "States.Hash($.missing, 'SHA-256')           | The JsonPath argument '$.missing' could not be found in the input",
        "States.Format('{}', $$.Execution.Nope)      | The JsonPath argument '$$.Execution.Nope' could not be found",
    })
    void failsWithACauseSayingWhatWentWrong(String expression, String cause) {
        assertThatThrownBy(() -> eval(expression, INPUT))
                .isInstanceOfSatisfying(IntrinsicFailureException.class,
                        e -> assertThat(e.error()).isEqualTo("States.IntrinsicFailure"))
                .hasMessageContaining(cause);
    }

    @Test
    void base64AndHashAcceptExactlyTenThousandCharacters() {
        String limit = "{\"s\": \"" + "a".repeat(10_000) + "\", \"over\": \"" + "a".repeat(10_001) + "\"}";
        assertThat(eval("States.Base64Encode($.s)", limit).textValue()).hasSize(13_336);
        assertThat(eval("States.Hash($.s, 'SHA-256')", limit).textValue()).hasSize(64);
        assertThatThrownBy(() -> eval("States.Base64Encode($.over)", limit))
                .isInstanceOf(IntrinsicFailureException.class)
                .hasMessageContaining("the input has 10001 characters, more than the 10000 allowed");
        assertThatThrownBy(() -> eval("States.Hash($.over, 'MD5')", limit))
                .isInstanceOf(IntrinsicFailureException.class)
                .hasMessageContaining("Invalid arguments in States.Hash: the input has 10001 characters");
        String encodedOver = "{\"b\": \"" + "QUFB".repeat(2_501) + "\"}";
        assertThatThrownBy(() -> eval("States.Base64Decode($.b)", encodedOver))
                .isInstanceOf(IntrinsicFailureException.class)
                .hasMessageContaining("Invalid arguments in States.Base64Decode: the input has 10004 characters");
    }

    @Test
    void aMalformedExpressionAtRunTimeIsAnIntrinsicFailure() {
        assertThatThrownBy(() -> eval("States.Format('{} {}', $.str)", INPUT))
                .isInstanceOf(IntrinsicFailureException.class)
                .hasMessageContaining("the template has 2 {} placeholder(s)");
    }

    @Test
    void aFailingInnerCallFailsTheWholeExpression() {
        assertThatThrownBy(() -> eval("States.Array(1, States.ArrayGetItem($.empty, 0))", INPUT))
                .isInstanceOf(IntrinsicFailureException.class)
                .hasMessageContaining("Invalid arguments in States.ArrayGetItem: index 0 is out of bounds for an array of 0");
    }
}
