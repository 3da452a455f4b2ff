package dev.sluice.local.stepfunctions.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.sluice.core.json.Json;
import dev.sluice.local.stepfunctions.asl.IntrinsicNode.Call;
import dev.sluice.local.stepfunctions.asl.IntrinsicNode.Literal;
import dev.sluice.local.stepfunctions.asl.IntrinsicNode.Path;
import dev.sluice.local.stepfunctions.asl.IntrinsicNode.Text;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.StringTokenizer;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The Amazon States Language intrinsic functions ({@code States.Format(...)} and the rest) for JSONPath
 * states. {@link #check} runs when a definition loads; {@link #evaluate} runs each time a payload template is
 * applied. Runtime failures carry AWS's cause prefix "Invalid arguments in States.X".
 */
public final class Intrinsics {

    /** AWS's documented cap for ArrayRange results. */
    static final int MAX_RANGE_ITEMS = 1000;
    /** AWS's documented cap for the Base64 and Hash inputs. */
    static final int MAX_TEXT_CHARS = 10_000;

    private static final Set<String> HASH_ALGORITHMS = Set.of("MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512");
    private static final JsonNodeFactory NODES = Json.MAPPER.getNodeFactory();

    private Intrinsics() {
    }

    /**
     * Parses {@code expression} and throws {@link IllegalArgumentException} for an unknown function, a wrong
     * argument count, a malformed literal, or a literal States.Format template whose {@code {}} count does
     * not match its arguments.
     */
    public static void check(String expression) {
        IntrinsicParser.parse(expression);
    }

    /**
     * Evaluates {@code expression}; {@code paths} resolves each path argument ({@code $...} or
     * {@code $$...}) and returns {@code null} or a missing node when nothing is there.
     */
    public static JsonNode evaluate(String expression, Function<String, JsonNode> paths) {
        Call call;
        try {
            call = IntrinsicParser.parse(expression);
        } catch (IllegalArgumentException e) {
            // The spec makes a malformed invocation a runtime error; check() normally catches it at load.
            throw new IntrinsicFailureException(e.getMessage());
        }
        return new Evaluation(paths).call(call);
    }

    private record Evaluation(Function<String, JsonNode> paths) {

        JsonNode value(IntrinsicNode node) {
            return switch (node) {
                case Literal literal -> literal.value();
                case Text text -> TextNode.valueOf(text.value());
                case Path path -> resolve(path.path());
                case Call call -> call(call);
            };
        }

        private JsonNode resolve(String path) {
            JsonNode value = paths.apply(path);
            if (value == null || value.isMissingNode()) {
                throw new IntrinsicFailureException("The JsonPath argument '" + path
                        + "' could not be found in the input");
            }
            return value;
        }

        JsonNode call(Call call) {
            IntrinsicFunction fn = call.function();
            if (fn == IntrinsicFunction.FORMAT) {
                return format(call.args());
            }
            List<JsonNode> args = new ArrayList<>(call.args().size());
            for (IntrinsicNode arg : call.args()) {
                args.add(value(arg));
            }
            return switch (fn) {
                case FORMAT -> throw new IllegalStateException("handled above");
                case STRING_TO_JSON -> stringToJson(text(fn, args.get(0), "the argument"));
                case JSON_TO_STRING -> TextNode.valueOf(Json.write(args.get(0)));
                case ARRAY -> NODES.arrayNode().addAll(args);
                case ARRAY_PARTITION -> partition(array(fn, args.get(0)), roundedInt(fn, args.get(1), "chunk size"));
                case ARRAY_CONTAINS -> BooleanNode.valueOf(contains(array(fn, args.get(0)), args.get(1)));
                case ARRAY_RANGE -> range(truncatedInt(fn, args.get(0), "start"),
                        truncatedInt(fn, args.get(1), "end"), truncatedInt(fn, args.get(2), "step"));
                case ARRAY_GET_ITEM -> item(array(fn, args.get(0)), truncatedInt(fn, args.get(1), "index"));
                case ARRAY_LENGTH -> IntNode.valueOf(array(fn, args.get(0)).size());
                case ARRAY_UNIQUE -> unique(array(fn, args.get(0)));
                case BASE64_ENCODE -> TextNode.valueOf(Base64.getEncoder().encodeToString(
                        limited(fn, text(fn, args.get(0), "the data")).getBytes(StandardCharsets.UTF_8)));
                case BASE64_DECODE -> base64Decode(limited(fn, text(fn, args.get(0), "the data")));
                case HASH -> hash(args.get(0), text(fn, args.get(1), "the algorithm"));
                case JSON_MERGE -> merge(args);
                case MATH_RANDOM -> random(args);
                case MATH_ADD -> add(args);
                case STRING_SPLIT -> split(text(fn, args.get(0), "the string"), text(fn, args.get(1), "the delimiter"));
                case UUID -> TextNode.valueOf(UUID.randomUUID().toString());
            };
        }

        private JsonNode format(List<IntrinsicNode> args) {
            List<String> pieces = args.get(0) instanceof Text literal
                    ? literal.pieces()
                    // A template that arrives as data has no escapes left: every {} in it is a placeholder.
                    : List.of(text(IntrinsicFunction.FORMAT, value(args.get(0)), "the template")
                            .split(Pattern.quote("{}"), -1));
            if (pieces.size() - 1 != args.size() - 1) {
                throw invalid(IntrinsicFunction.FORMAT, "number of arguments do not match the occurrences of {}");
            }
            StringBuilder out = new StringBuilder(pieces.get(0));
            for (int i = 1; i < pieces.size(); i++) {
                JsonNode arg = value(args.get(i));
                if (arg.isContainerNode()) {
                    throw invalid(IntrinsicFunction.FORMAT,
                            "argument " + (i + 1) + " is an array or object; only strings, numbers, booleans "
                                    + "and null can be formatted");
                }
                out.append(arg.isTextual() ? arg.textValue() : arg.asText()).append(pieces.get(i));
            }
            return TextNode.valueOf(out.toString());
        }
    }

    private static JsonNode stringToJson(String text) {
        JsonNode parsed;
        try {
            parsed = Json.parse(text);
        } catch (IllegalArgumentException e) {
            throw invalid(IntrinsicFunction.STRING_TO_JSON, e.getMessage());
        }
        if (parsed == null || parsed.isMissingNode()) {
            throw invalid(IntrinsicFunction.STRING_TO_JSON, "the string is empty, not JSON text");
        }
        return parsed;
    }

    private static ArrayNode partition(ArrayNode array, int size) {
        if (size <= 0) {
            throw invalid(IntrinsicFunction.ARRAY_PARTITION, "the chunk size must be a positive integer, got " + size);
        }
        ArrayNode chunks = NODES.arrayNode();
        for (int from = 0; from < array.size(); from += size) {
            ArrayNode chunk = chunks.addArray();
            for (int i = from; i < Math.min(from + size, array.size()); i++) {
                chunk.add(array.get(i));
            }
        }
        return chunks;
    }

    private static boolean contains(ArrayNode array, JsonNode wanted) {
        JsonNode key = comparable(wanted);
        for (JsonNode item : array) {
            if (comparable(item).equals(key)) {
                return true;
            }
        }
        return false;
    }

    private static ArrayNode range(int start, int end, int step) {
        IntrinsicFunction fn = IntrinsicFunction.ARRAY_RANGE;
        if (step == 0) {
            throw invalid(fn, "the step must not be 0");
        }
        ArrayNode out = NODES.arrayNode();
        if (step > 0 ? start > end : start < end) {
            return out;
        }
        long count = ((long) end - start) / step + 1;
        if (count > MAX_RANGE_ITEMS) {
            throw invalid(fn, "the range has " + count + " items, more than the " + MAX_RANGE_ITEMS + " allowed");
        }
        for (long i = 0; i < count; i++) {
            out.add((int) (start + i * step)); // stays between start and end, so within int
        }
        return out;
    }

    private static JsonNode item(ArrayNode array, int index) {
        if (index < 0 || index >= array.size()) {
            throw invalid(IntrinsicFunction.ARRAY_GET_ITEM,
                    "index " + index + " is out of bounds for an array of " + array.size());
        }
        return array.get(index);
    }

    private static ArrayNode unique(ArrayNode array) {
        Map<JsonNode, JsonNode> seen = new LinkedHashMap<>();
        for (JsonNode item : array) {
            seen.putIfAbsent(comparable(item), item);
        }
        return NODES.arrayNode().addAll(seen.values());
    }

    /**
     * JSON compares numbers by value, Jackson by node type (1 and 1.0 differ); this copy makes every number a
     * scale-free decimal so equals and hashCode follow JSON.
     */
    private static JsonNode comparable(JsonNode node) {
        if (node.isNumber()) {
            return DecimalNode.valueOf(node.decimalValue().stripTrailingZeros());
        }
        if (node.isArray()) {
            ArrayNode copy = NODES.arrayNode();
            node.forEach(item -> copy.add(comparable(item)));
            return copy;
        }
        if (node.isObject()) {
            ObjectNode copy = NODES.objectNode();
            node.properties().forEach(e -> copy.set(e.getKey(), comparable(e.getValue())));
            return copy;
        }
        return node;
    }

    private static JsonNode base64Decode(String encoded) {
        try {
            return TextNode.valueOf(new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw invalid(IntrinsicFunction.BASE64_DECODE, "the data is not valid Base64: " + e.getMessage());
        }
    }

    private static JsonNode hash(JsonNode data, String algorithm) {
        IntrinsicFunction fn = IntrinsicFunction.HASH;
        if (!HASH_ALGORITHMS.contains(algorithm)) {
            throw invalid(fn, "unsupported algorithm '" + algorithm + "'; use one of MD5, SHA-1, SHA-256, SHA-384, "
                    + "SHA-512");
        }
        // AWS hashes the JSON text of a non-string value rather than refusing it.
        String text = limited(fn, data.isTextual() ? data.textValue() : Json.write(data));
        try {
            byte[] digest = MessageDigest.getInstance(algorithm).digest(text.getBytes(StandardCharsets.UTF_8));
            return TextNode.valueOf(HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides " + algorithm, e);
        }
    }

    private static JsonNode merge(List<JsonNode> args) {
        IntrinsicFunction fn = IntrinsicFunction.JSON_MERGE;
        if (!args.get(0).isObject() || !args.get(1).isObject()) {
            throw invalid(fn, "the first two arguments must be JSON objects");
        }
        if (!args.get(2).isBoolean() || args.get(2).booleanValue()) {
            throw invalid(fn, "the third argument must be false; Step Functions supports only the shallow merge");
        }
        ObjectNode merged = args.get(0).deepCopy();
        merged.setAll((ObjectNode) args.get(1));
        return merged;
    }

    private static JsonNode random(List<JsonNode> args) {
        IntrinsicFunction fn = IntrinsicFunction.MATH_RANDOM;
        int start = truncatedInt(fn, args.get(0), "start");
        int end = truncatedInt(fn, args.get(1), "end");
        if (start >= end) {
            throw invalid(fn, "start (" + start + ") must be less than end (" + end + ")");
        }
        // AWS documents the end as exclusive; the same seed must give the same number.
        int value = args.size() == 3
                ? new Random(truncatedLong(fn, args.get(2), "seed")).nextInt(start, end)
                : ThreadLocalRandom.current().nextInt(start, end);
        return IntNode.valueOf(value);
    }

    private static JsonNode add(List<JsonNode> args) {
        IntrinsicFunction fn = IntrinsicFunction.MATH_ADD;
        long sum = (long) roundedInt(fn, args.get(0), "the first value") + roundedInt(fn, args.get(1), "the step");
        if (sum != (int) sum) {
            throw invalid(fn, "the sum " + sum + " is outside -2147483648..2147483647");
        }
        return IntNode.valueOf((int) sum);
    }

    /**
     * Each character of the delimiter splits, and empty tokens are dropped: what AWS returns for "a,,b"
     * (["a","b"]) and for multi-character delimiters such as ".+,=".
     */
    private static ArrayNode split(String text, String delimiters) {
        ArrayNode out = NODES.arrayNode();
        StringTokenizer tokens = new StringTokenizer(text, delimiters);
        while (tokens.hasMoreTokens()) {
            out.add(tokens.nextToken());
        }
        return out;
    }

    private static String text(IntrinsicFunction fn, JsonNode value, String what) {
        if (!value.isTextual()) {
            throw invalid(fn, what + " must be a string, got " + describe(value));
        }
        return value.textValue();
    }

    private static String limited(IntrinsicFunction fn, String text) {
        if (text.length() > MAX_TEXT_CHARS) {
            throw invalid(fn, "the input has " + text.length() + " characters, more than the " + MAX_TEXT_CHARS
                    + " allowed");
        }
        return text;
    }

    private static ArrayNode array(IntrinsicFunction fn, JsonNode value) {
        if (!value.isArray()) {
            throw invalid(fn, "the first argument must be an array, got " + describe(value));
        }
        return (ArrayNode) value;
    }

    /** AWS documents rounding to the nearest integer, and MathAdd and ArrayPartition behave so. */
    private static int roundedInt(IntrinsicFunction fn, JsonNode value, String what) {
        return toInt(fn, number(fn, value, what).isIntegralNumber() ? value.longValue()
                : Math.round(value.doubleValue()), what);
    }

    /**
     * AWS's documentation says "rounded", but observed ArrayRange, ArrayGetItem and MathRandom drop the
     * fraction (MathRandom(1.4, 1.6) fails as an empty range), so those follow what AWS does.
     */
    private static int truncatedInt(IntrinsicFunction fn, JsonNode value, String what) {
        return toInt(fn, truncatedLong(fn, value, what), what);
    }

    private static long truncatedLong(IntrinsicFunction fn, JsonNode value, String what) {
        number(fn, value, what);
        if (!value.isIntegralNumber() && !Double.isFinite(value.doubleValue())) {
            throw invalid(fn, what + " must be a finite number");
        }
        return value.isIntegralNumber() ? value.longValue() : (long) value.doubleValue();
    }

    private static JsonNode number(IntrinsicFunction fn, JsonNode value, String what) {
        if (!value.isNumber()) {
            throw invalid(fn, what + " must be a number, got " + describe(value));
        }
        if (value.isBigInteger() && !value.canConvertToLong()) {
            throw invalid(fn, what + " " + value + " is outside -2147483648..2147483647");
        }
        return value;
    }

    private static int toInt(IntrinsicFunction fn, long value, String what) {
        if (value != (int) value) {
            throw invalid(fn, what + " " + value + " is outside -2147483648..2147483647");
        }
        return (int) value;
    }

    private static String describe(JsonNode value) {
        String text = Json.write(value);
        String shown = text.length() > 60 ? text.substring(0, 57) + "..." : text;
        return value.getNodeType().name().toLowerCase(Locale.ROOT) + " " + shown;
    }

    private static IntrinsicFailureException invalid(IntrinsicFunction fn, String detail) {
        return new IntrinsicFailureException("Invalid arguments in " + fn.awsName + ": " + detail);
    }
}
