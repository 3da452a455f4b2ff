package dev.sluice.local.stepfunctions.asl;

import static dev.sluice.local.stepfunctions.asl.SampleInput.eval;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.json.Json;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The examples of AWS's "Intrinsic functions for JSONPath states" page and the States Language spec, input to
 * output as they give them. Where the page is wrong (Base64Decode, Hash, the nine-call myArn example) the test
 * says so and checks the real result.
 */
class IntrinsicsTest {

    private static JsonNode json(String text) {
        return Json.parse(text);
    }

    @Test
    void formatFromLiteralAndFromPathTemplate() {
        String input = "{\"name\": \"Arnav\", \"template\": \"Hello, my name is {}.\"}";
        assertThat(eval("States.Format('Hello, my name is {}.', $.name)", input).textValue())
                .isEqualTo("Hello, my name is Arnav.");
        assertThat(eval("States.Format($.template, $.name)", input).textValue())
                .isEqualTo("Hello, my name is Arnav.");
    }

    @Test
    void formatSpecExampleMixesPathAndNumberLiteral() {
        assertThat(eval("States.Format('Your name is {}, we are in the year {}', $.name, 2020)",
                "{\"name\": \"Foo\", \"zebra\": \"stripe\"}").textValue())
                .isEqualTo("Your name is Foo, we are in the year 2020");
    }

    @Test
    void formatWritesScalarsInTheirNaturalForm() {
        assertThat(eval("States.Format('{}|{}|{}|{}|{}', $.nil, $.bool, $.negative, $.fraction, 'text')",
                "{\"nil\": null, \"bool\": false, \"negative\": -1, \"fraction\": 3.5}").textValue())
                .isEqualTo("null|false|-1|3.5|text");
    }

    @Test
    void escapesStandForTheReservedCharacters() {
        // As written in the JSON definition: States.Format('It\\'s \\{\\} not {}, a\\\\b', $.x)
        String expression = "States.Format('It\\'s \\{\\} not {}, a\\\\b', $.x)";
        assertThat(eval(expression, "{\"x\": \"a placeholder\"}").textValue())
                .isEqualTo("It's {} not a placeholder, a\\b");
    }

    @Test
    void escapedBracesAreNotPlaceholders() {
        assertThat(eval("States.Format('\\{\\}')", "{}").textValue()).isEqualTo("{}");
        assertThat(eval("States.Array('{}', 'a\\'b')", "{}")).isEqualTo(json("[\"{}\", \"a'b\"]"));
    }

    @Test
    void stringToJsonParsesTheEscapedString() {
        assertThat(eval("States.StringToJson($.escapedJsonString)",
                "{\"escapedJsonString\": \"{\\\"foo\\\": \\\"bar\\\"}\"}")).isEqualTo(json("{\"foo\": \"bar\"}"));
        assertThat(eval("States.StringToJson($.someString)", "{\"someString\": \"{\\\"number\\\": 20}\"}"))
                .isEqualTo(json("{\"number\": 20}"));
    }

    @Test
    void jsonToStringWritesCompactJsonText() {
        assertThat(eval("States.JsonToString($.unescapedJson)", "{\"unescapedJson\": {\"foo\": \"bar\"}}").textValue())
                .isEqualTo("{\"foo\":\"bar\"}");
        assertThat(eval("States.JsonToString($.someJson)", "{\"someJson\": {\"name\": \"Foo\", \"year\": 2020}}")
                .textValue()).isEqualTo("{\"name\":\"Foo\",\"year\":2020}");
    }

    @Test
    void arrayCollectsItsArguments() {
        assertThat(eval("States.Array($.Id)", "{\"Id\": 123456}")).isEqualTo(json("[123456]"));
        assertThat(eval("States.Array('Foo', 2020, $.someJson, null)", "{\"someJson\": {\"random\": \"abcdefg\"}}"))
                .isEqualTo(json("[\"Foo\", 2020, {\"random\": \"abcdefg\"}, null]"));
        assertThat(eval("States.Array()", "{}")).isEqualTo(json("[]"));
    }

    @Test
    void arrayPartitionLeavesTheRemainderInTheLastChunk() {
        assertThat(eval("States.ArrayPartition($.inputArray,4)", "{\"inputArray\": [1,2,3,4,5,6,7,8,9]}"))
                .isEqualTo(json("[[1,2,3,4],[5,6,7,8],[9]]"));
    }

    @Test
    void arrayContainsComparesJsonValues() {
        String input = "{\"inputArray\": [1,2,3,4,5,6,7,8,9], \"lookingFor\": 5, \"objects\": [{\"a\": 1.0}]}";
        assertThat(eval("States.ArrayContains($.inputArray, $.lookingFor)", input).booleanValue()).isTrue();
        assertThat(eval("States.ArrayContains($.inputArray, 10)", input).booleanValue()).isFalse();
        assertThat(eval("States.ArrayContains($.inputArray, '5')", input).booleanValue()).isFalse();
        assertThat(eval("States.ArrayContains($.inputArray, 5.0)", input).booleanValue()).isTrue();
        assertThat(eval("States.ArrayContains($.objects, States.StringToJson('\\{\"a\": 1\\}'))", input).booleanValue())
                .isTrue();
    }

    @Test
    void arrayRangeIncludesBothEnds() {
        assertThat(eval("States.ArrayRange(1, 9, 2)", "{}")).isEqualTo(json("[1,3,5,7,9]"));
        assertThat(eval("States.ArrayRange(5, 1, -2)", "{}")).isEqualTo(json("[5,3,1]"));
        assertThat(eval("States.ArrayRange(5, 1, 1)", "{}")).isEqualTo(json("[]"));
        assertThat(eval("States.ArrayRange(1, 1000, 1)", "{}")).hasSize(1000);
    }

    @Test
    void arrayGetItemIsZeroBased() {
        assertThat(eval("States.ArrayGetItem($.inputArray, $.index)",
                "{\"inputArray\": [1,2,3,4,5,6,7,8,9], \"index\": 5}")).isEqualTo(json("6"));
    }

    @Test
    void arrayLengthCountsItems() {
        assertThat(eval("States.ArrayLength($.inputArray)", "{\"inputArray\": [1,2,3,4,5,6,7,8,9]}"))
                .isEqualTo(json("9"));
        assertThat(eval("States.ArrayLength($.empty)", "{\"empty\": []}")).isEqualTo(json("0"));
    }

    @Test
    void arrayUniqueKeepsFirstOccurrences() {
        assertThat(eval("States.ArrayUnique($.inputArray)", "{\"inputArray\": [1,2,3,3,3,3,3,3,4]}"))
                .isEqualTo(json("[1,2,3,4]"));
        assertThat(eval("States.ArrayUnique($.mixed)", "{\"mixed\": [\"b\", {\"k\": 1}, \"a\", {\"k\": 1}, \"b\", 2, 2.0]}"))
                .isEqualTo(json("[\"b\", {\"k\": 1}, \"a\", 2]"));
    }

    @Test
    void base64EncodeAndDecode() {
        assertThat(eval("States.Base64Encode($.input)", "{\"input\": \"Data to encode\"}").textValue())
                .isEqualTo("RGF0YSB0byBlbmNvZGU=");
        // AWS's page shows "Decoded data" here; the string really decodes to the text encoded above.
        assertThat(eval("States.Base64Decode($.base64)", "{\"base64\": \"RGF0YSB0byBlbmNvZGU=\"}").textValue())
                .isEqualTo("Data to encode");
        assertThat(eval("States.Base64Decode(States.Base64Encode('héllo ✓'))", "{}").textValue())
                .isEqualTo("héllo ✓");
    }

    @Test
    void hashWithEveryAlgorithm() {
        // AWS's page prints this SHA-1 with one hex digit missing (39 characters).
        assertThat(eval("States.Hash($.Data, $.Algorithm)", "{\"Data\": \"input data\", \"Algorithm\": \"SHA-1\"}")
                .textValue()).isEqualTo("aaff4a450a104cd177d28d18d74485e8cae074b7");
        assertThat(eval("States.Hash('hello', 'MD5')", "{}").textValue())
                .isEqualTo("5d41402abc4b2a76b9719d911017c592");
        assertThat(eval("States.Hash('hello', 'SHA-256')", "{}").textValue())
                .isEqualTo("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
        assertThat(eval("States.Hash('hello', 'SHA-384')", "{}").textValue())
                .isEqualTo("59e1748777448c69de6b800d7a33bbfb9ff1b463e44354c3553bcdb9c666fa90125a3c79f90397bdf5f6a13de828684f");
        assertThat(eval("States.Hash('hello', 'SHA-512')", "{}").textValue())
                .isEqualTo("9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca72323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043");
    }

    @Test
    void hashOfANonStringHashesItsJsonText() {
        assertThat(eval("States.Hash($.obj, 'MD5')", "{\"obj\": {\"a\": 1}}"))
                .isEqualTo(eval("States.Hash('\\{\"a\":1\\}', 'MD5')", "{}"));
    }

    @Test
    void jsonMergeIsShallowAndTheSecondObjectWins() {
        String input = "{\"json1\": {\"a\": {\"a1\": 1, \"a2\": 2}, \"b\": 2}, "
                + "\"json2\": {\"a\": {\"a3\": 1, \"a4\": 2}, \"c\": 3}}";
        assertThat(eval("States.JsonMerge($.json1, $.json2, false)", input))
                .isEqualTo(json("{\"a\": {\"a3\": 1, \"a4\": 2}, \"b\": 2, \"c\": 3}"));
    }

    @Test
    void jsonMergeLeavesItsInputsAlone() {
        var paths = SampleInput.of("{\"x\": {\"a\": 1}, \"y\": {\"b\": 2}}");
        Intrinsics.evaluate("States.JsonMerge($.x, $.y, false)", paths);
        assertThat(paths.apply("$.x")).isEqualTo(json("{\"a\": 1}"));
    }

    @Test
    void mathRandomStaysInStartInclusiveEndExclusive() {
        for (int i = 0; i < 200; i++) {
            assertThat(eval("States.MathRandom($.start, $.end)", "{\"start\": 1, \"end\": 999}").intValue())
                    .isBetween(1, 998);
            assertThat(eval("States.MathRandom(0, 1)", "{}").intValue()).isZero();
        }
    }

    @Test
    void mathRandomWithASeedRepeats() {
        int first = eval("States.MathRandom(1, 1000000, 42)", "{}").intValue();
        for (int i = 0; i < 5; i++) {
            assertThat(eval("States.MathRandom(1, 1000000, 42)", "{}").intValue()).isEqualTo(first);
        }
        Set<Integer> unseeded = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            unseeded.add(eval("States.MathRandom(1, 1000000)", "{}").intValue());
        }
        assertThat(unseeded).hasSizeGreaterThan(1);
    }

    @Test
    void mathAddSumsIntegers() {
        assertThat(eval("States.MathAdd($.value1, $.step)", "{\"value1\": 111, \"step\": -1}")).isEqualTo(json("110"));
        assertThat(eval("States.MathAdd(2147483646, 1)", "{}")).isEqualTo(json("2147483647"));
    }

    @Test
    void mathAddRoundsFractionsFirst() {
        assertThat(eval("States.MathAdd($.a, $.b)", "{\"a\": 1.6, \"b\": 2.7}")).isEqualTo(json("5"));
        assertThat(eval("States.MathAdd(0.1, 0.2)", "{}")).isEqualTo(json("0"));
    }

    @Test
    void stringSplitOnEachDelimiterCharacter() {
        assertThat(eval("States.StringSplit($.inputString, $.splitter)",
                "{\"inputString\": \"1,2,3,4,5\", \"splitter\": \",\"}"))
                .isEqualTo(json("[\"1\",\"2\",\"3\",\"4\",\"5\"]"));
        assertThat(eval("States.StringSplit($.inputString, $.splitter)",
                "{\"inputString\": \"This.is+a,test=string\", \"splitter\": \".+,=\"}"))
                .isEqualTo(json("[\"This\",\"is\",\"a\",\"test\",\"string\"]"));
    }

    @Test
    void stringSplitDropsEmptyTokensAsAwsDoes() {
        assertThat(eval("States.StringSplit($.s, ',')", "{\"s\": \",a,,b,\"}")).isEqualTo(json("[\"a\",\"b\"]"));
        assertThat(eval("States.StringSplit($.s, ',')", "{\"s\": \"\"}")).isEqualTo(json("[]"));
    }

    @Test
    void uuidIsARandomVersion4Uuid() {
        String uuid = eval("States.UUID()", "{}").textValue();
        assertThat(uuid).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        assertThat(eval("States.UUID()", "{}").textValue()).isNotEqualTo(uuid);
    }

    @Test
    void nestedCallsFeedTheirResultsToTheOuterCall() {
        assertThat(eval("States.JsonToString(States.Array(1, $.x))", "{\"x\": {\"k\": true}}").textValue())
                .isEqualTo("[1,{\"k\":true}]");
        assertThat(eval("States.MathAdd(States.MathAdd($.x, 1), 2)", "{\"x\": 5}")).isEqualTo(json("8"));
    }

    @Test
    void nineNestedCallsFromTheAwsPage() {
        // AWS's page writes '{}.{}.{}' with two arguments, which its own rule rejects; two placeholders it is.
        String expression = "States.Format('{}.{}', "
                + "States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 0), "
                + "States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 1))";
        String input = "{\"ImageRecipe\": {\"Arn\": "
                + "\"arn:aws:imagebuilder:us-east-1:123456789012:image-recipe/my-recipe/1.0.2\"}}";
        assertThat(eval(expression, input).textValue()).isEqualTo("1.0");
    }

    @Test
    void contextPathsAndBracketPathsResolve() {
        var paths = SampleInput.of("{\"abc\": {\"def ghi\": \"spaced\"}, \"items\": [\"x\", \"y\"]}",
                "{\"Execution\": {\"Name\": \"run-1\"}}");
        assertThat(Intrinsics.evaluate("States.Format('{}/{}/{}', $$.Execution.Name, $.abc['def ghi'], $.items[1])",
                paths).textValue()).isEqualTo("run-1/spaced/y");
    }

    @Test
    void whitespaceAroundArgumentsIsAllowed() {
        assertThat(eval("States.Array( 1 ,  'a' , $.x )", "{\"x\": 2}")).isEqualTo(json("[1, \"a\", 2]"));
    }
}
