package dev.sluice.local.stepfunctions.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The numbers a state reads from its input by a Path (MaxConcurrencyPath, SecondsPath, ...). A
 * value the field cannot take fails the execution with States.Runtime naming field, value and path,
 * as AWS does: it reads them as Java ints, so 2^31 is no more an integer than 1.5 or "2" is.
 */
final class PathSettings {

    private PathSettings() {
    }

    static int integer(String field, String path, JsonNode input, ObjectNode ctx, int min, int max) {
        JsonNode value = JsonPaths.read(path, input, ctx);
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw refused(field, path, value, "which is not a valid integer");
        }
        if (value.intValue() < min || value.intValue() > max) {
            throw refused(field, path, value, "which is not an integer from " + min + " to " + max);
        }
        return value.intValue();
    }

    static double percentage(String field, String path, JsonNode input, ObjectNode ctx) {
        JsonNode value = JsonPaths.read(path, input, ctx);
        if (!value.isNumber() || value.doubleValue() < 0 || value.doubleValue() > 100) {
            throw refused(field, path, value, "which is not a number from 0 to 100");
        }
        return value.doubleValue();
    }

    private static StatesError refused(String field, String path, JsonNode value, String why) {
        String shown = value.isTextual() ? value.textValue() : value.toString();
        return StatesError.runtime("The " + field + " field refers to value \"" + shown + "\" " + why + ": " + path);
    }
}
