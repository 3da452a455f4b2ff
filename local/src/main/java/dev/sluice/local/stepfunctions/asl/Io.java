package dev.sluice.local.stepfunctions.asl;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A state's input and output processing. A null {@code inputPath}/{@code outputPath} is an explicit
 * JSON null (→ {}), a null {@code resultPath} discards the result; absent fields default to {@code $}.
 */
record Io(String inputPath, JsonNode parameters, JsonNode resultSelector, ReferencePath resultPath,
        String outputPath) {

    static final ReferencePath ROOT = ReferencePath.parse("$");
}
