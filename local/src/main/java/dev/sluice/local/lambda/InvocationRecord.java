package dev.sluice.local.lambda;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.json.Json;
import dev.sluice.local.WellFormedJson;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The invocation record Lambda sends an on-failure destination when an asynchronous invocation has
 * failed every attempt: the request, the function's error as the Java runtime reports it, and how
 * often it was tried. The shape of AWS's own (version 1.0), field for field.
 */
final class InvocationRecord {

    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private InvocationRecord() {
    }

    /** The record of an invocation whose retries ran out, its last error in {@code error}. */
    static String retriesExhausted(String requestId, String functionArn, int invokeCount, byte[] payload,
            FunctionError error, Instant at) {
        ObjectNode record = Json.object();
        record.put("version", "1.0");
        record.put("timestamp", TIMESTAMP.format(at));
        ObjectNode request = record.putObject("requestContext");
        request.put("requestId", requestId);
        request.put("functionArn", functionArn + ":$LATEST");
        request.put("condition", "RetriesExhausted");
        request.put("approximateInvokeCount", invokeCount);
        record.set("requestPayload", payload(payload));
        ObjectNode response = record.putObject("responseContext");
        response.put("statusCode", 200);
        response.put("executedVersion", "$LATEST");
        response.put("functionError", "Unhandled");
        record.set("responsePayload", error.payload());
        try {
            return WellFormedJson.write(record);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An event is JSON, and travels in the record as JSON; anything else as the text it was. */
    private static JsonNode payload(byte[] payload) {
        String text = new String(payload, StandardCharsets.UTF_8);
        try {
            return Json.parse(text);
        } catch (IllegalArgumentException notJson) {
            return Json.MAPPER.getNodeFactory().textNode(text);
        }
    }
}
