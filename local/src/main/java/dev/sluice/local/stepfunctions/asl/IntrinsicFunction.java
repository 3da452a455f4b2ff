package dev.sluice.local.stepfunctions.asl;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The intrinsic functions AWS documents, with the argument counts checked when a definition loads. */
enum IntrinsicFunction {
    FORMAT("States.Format", 1, Integer.MAX_VALUE),
    STRING_TO_JSON("States.StringToJson", 1, 1),
    JSON_TO_STRING("States.JsonToString", 1, 1),
    ARRAY("States.Array", 0, Integer.MAX_VALUE),
    ARRAY_PARTITION("States.ArrayPartition", 2, 2),
    ARRAY_CONTAINS("States.ArrayContains", 2, 2),
    ARRAY_RANGE("States.ArrayRange", 3, 3),
    ARRAY_GET_ITEM("States.ArrayGetItem", 2, 2),
    ARRAY_LENGTH("States.ArrayLength", 1, 1),
    ARRAY_UNIQUE("States.ArrayUnique", 1, 1),
    BASE64_ENCODE("States.Base64Encode", 1, 1),
    BASE64_DECODE("States.Base64Decode", 1, 1),
    HASH("States.Hash", 2, 2),
    JSON_MERGE("States.JsonMerge", 3, 3),
    MATH_RANDOM("States.MathRandom", 2, 3),
    MATH_ADD("States.MathAdd", 2, 2),
    STRING_SPLIT("States.StringSplit", 2, 2),
    UUID("States.UUID", 0, 0);

    private static final Map<String, IntrinsicFunction> BY_NAME = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(f -> f.awsName, Function.identity()));

    final String awsName;
    final int minArgs;
    final int maxArgs;

    IntrinsicFunction(String awsName, int minArgs, int maxArgs) {
        this.awsName = awsName;
        this.minArgs = minArgs;
        this.maxArgs = maxArgs;
    }

    static Optional<IntrinsicFunction> named(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    String arity() {
        if (minArgs == maxArgs) {
            return minArgs + (minArgs == 1 ? " argument" : " arguments");
        }
        return maxArgs == Integer.MAX_VALUE
                ? "at least " + minArgs + (minArgs == 1 ? " argument" : " arguments")
                : minArgs + " to " + maxArgs + " arguments";
    }
}
