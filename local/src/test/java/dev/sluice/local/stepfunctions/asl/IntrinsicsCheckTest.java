package dev.sluice.local.stepfunctions.asl;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What {@link Intrinsics#check} refuses when a definition loads, and what it lets through. */
class IntrinsicsCheckTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "States.Format('Hello, {}!', $.name)",
        "States.Format('no placeholders')",
        "States.Format($.template, $.a, $.b, $.c)",
        "States.Format('\\{\\}\\'\\\\ {}', $.x)",
        "States.Array()",
        "States.Array('a', 1, -2.5, 1e3, true, false, null, $, $$.Execution.Id, $.a[0], $.b['c, d)'])",
        "States.JsonToString(States.Array(1, $.x))",
        "States.MathRandom(1, 10)",
        "States.MathRandom(1, 10, 42)",
        "States.UUID()",
        "  States.ArrayLength( $.a )  ",
        "States.Hash($.data, 'SHA-256')",
    })
    void acceptsWellFormedExpressions(String expression) {
        assertThatCode(() -> Intrinsics.check(expression)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "States.Nope(1)                          | unknown intrinsic function 'States.Nope'",
        "States.format('x')                      | unknown intrinsic function 'States.format'",
        "Format('x')                             | unknown intrinsic function 'Format'",
        "$.notACall                              | expected an intrinsic function",
        "States.UUID(1)                          | States.UUID takes 0 arguments, got 1",
        "States.ArrayRange(1, 5)                 | States.ArrayRange takes 3 arguments, got 2",
        "States.MathAdd(1, 2, 3)                 | States.MathAdd takes 2 arguments, got 3",
        "States.MathRandom(1)                    | States.MathRandom takes 2 to 3 arguments, got 1",
        "States.Format()                         | States.Format takes at least 1 argument, got 0",
        "States.StringToJson()                   | States.StringToJson takes 1 argument, got 0",
        "States.Format('{} {}', $.a)             | the template has 2 {} placeholder(s) but 1 argument(s) follow it",
        "States.Format('{}', $.a, $.b)           | the template has 1 {} placeholder(s) but 2 argument(s) follow it",
        "States.Format('Hello {', $.a)           | unescaped '{'",
        "States.Format('Hello {{}}', $.a)        | unescaped '{'",
        "States.Format('}')                      | unescaped '}'",
        "States.Format('a\\b')                   | open escape",
        "States.Format('a\\')                    | unterminated string",
        "States.Format('open)                    | unterminated string",
        "States.Array(01)                        | malformed number '01'",
        "States.Array(1.)                        | malformed number '1.'",
        "States.Array(-)                         | malformed number '-'",
        "States.Array(True)                      | unknown intrinsic function 'True'",
        "States.Array(\"x\")                     | expected a string, number",
        "States.Array(1 2)                       | expected ',' or ')'",
        "States.Array(1,)                        | expected a string, number",
        "States.ArrayGetItem($.arr, )            | expected a string, number",
        "States.Array(1                          | missing ')'",
        "States.Array(1) extra                   | unexpected text after the closing ')'",
        "States.Array($.a[0)                     | unbalanced brackets",
        "States.Array($.a])                      | unbalanced brackets",
    })
    void refusesMalformedExpressions(String expression, String message) {
        assertThatThrownBy(() -> Intrinsics.check(expression))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @ParameterizedTest
    @ValueSource(ints = {10, 11})
    void allowsAtMostTenFunctionsInOneField(int calls) {
        String expression = "States.MathAdd(".repeat(calls - 1) + "States.UUID()" + ", 1)".repeat(calls - 1);
        if (calls <= IntrinsicParser.MAX_CALLS) {
            assertThatCode(() -> Intrinsics.check(expression)).doesNotThrowAnyException();
        } else {
            assertThatThrownBy(() -> Intrinsics.check(expression))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("more than 10 intrinsic functions");
        }
    }
}
