package dev.sluice.local.stepfunctions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.json.Json;
import dev.sluice.local.AwsIdentity;
import dev.sluice.local.lambda.FunctionError;
import dev.sluice.local.lambda.LocalLambda;
import dev.sluice.local.stepfunctions.asl.TaskFailure;
import dev.sluice.local.stepfunctions.asl.TaskInvoker;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.UUID;

/**
 * Task states that call Lambda, over the local Lambda service: a function ARN as the resource (the
 * result is the function's response), or the {@code arn:aws:states:::lambda:invoke} integration
 * (the result is Lambda's Invoke response with the function's response as {@code Payload}). Either
 * way a function error becomes a task failure named by the function's error type, with the cause
 * Step Functions shows: {@code {"errorMessage":..., "errorType":...}}. Every function runs as
 * {@code $LATEST}; a qualifier is accepted and ignored, there being no versions locally.
 */
public final class LambdaTaskInvoker implements TaskInvoker {

    static final String LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke";
    private static final String FUNCTION_ARN = "arn:aws:lambda:";
    private static final String VERSION = "$LATEST";

    private final LocalLambda lambda;
    private final AwsIdentity identity;

    public LambdaTaskInvoker(LocalLambda lambda, AwsIdentity identity) {
        this.lambda = lambda;
        this.identity = identity;
    }

    @Override
    public JsonNode invoke(String resource, JsonNode input) throws TaskFailure, InterruptedException {
        if (resource.startsWith(FUNCTION_ARN)) {
            return call(functionName(resource), input);
        }
        if (resource.equals(LAMBDA_INVOKE)) {
            JsonNode function = input.get("FunctionName");
            if (function == null || !function.isTextual()) {
                throw new TaskFailure("States.Runtime", "lambda:invoke needs a FunctionName");
            }
            JsonNode payload = input.has("Payload") ? input.get("Payload") : Json.object();
            return invokeResponse(call(functionName(function.asText()), payload));
        }
        throw new TaskFailure("States.Runtime", "the local runtime does not run Task resource " + resource);
    }

    private JsonNode call(String function, JsonNode payload) throws TaskFailure, InterruptedException {
        if (!lambda.has(function)) {
            throw new TaskFailure("Lambda.ResourceNotFoundException", "Function not found: "
                    + identity.lambdaArn(function) + " (Service: AWSLambda; Status Code: 404; Error Code:"
                    + " ResourceNotFoundException; Request ID: " + UUID.randomUUID() + ")");
        }
        byte[] response;
        try {
            response = lambda.invoke(function, Json.write(payload).getBytes(StandardCharsets.UTF_8));
        } catch (FunctionError e) {
            // The local function turns an interrupt into an error and keeps the flag: the
            // execution was stopped or the task timed out, which is not the function's failure.
            if (Thread.interrupted()) {
                throw new InterruptedException("stopped while " + function + " ran");
            }
            ObjectNode cause = Json.object();
            cause.put("errorMessage", e.getMessage());
            cause.put("errorType", e.errorType());
            throw new TaskFailure(e.errorType(), Json.write(cause));
        }
        String text = new String(response, StandardCharsets.UTF_8);
        try {
            return text.isBlank() ? Json.MAPPER.nullNode() : Json.parse(text);
        } catch (IllegalArgumentException e) {
            throw new TaskFailure("States.Runtime", "the response of " + function + " is not JSON: " + e.getMessage());
        }
    }

    /** What {@code lambda:invoke} returns: Lambda's Invoke response as the AWS SDK for Java v1 shapes it. */
    private static JsonNode invokeResponse(JsonNode payload) {
        String requestId = UUID.randomUUID().toString();
        String length = String.valueOf(Json.write(payload).getBytes(StandardCharsets.UTF_8).length);
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC));
        ObjectNode result = Json.object();
        result.put("ExecutedVersion", VERSION);
        result.set("Payload", payload);
        ObjectNode http = result.putObject("SdkHttpMetadata");
        ObjectNode all = http.putObject("AllHttpHeaders");
        ObjectNode headers = http.putObject("HttpHeaders");
        for (String[] h : new String[][] {{"Connection", "keep-alive"}, {"Content-Length", length},
                {"Content-Type", "application/json"}, {"Date", date}, {"X-Amz-Executed-Version", VERSION},
                {"x-amzn-Remapped-Content-Length", "0"}, {"x-amzn-RequestId", requestId}}) {
            all.putArray(h[0]).add(h[1]);
            headers.put(h[0], h[1]);
        }
        http.put("HttpStatusCode", 200);
        result.putObject("SdkResponseMetadata").put("RequestId", requestId);
        result.put("StatusCode", 200);
        return result;
    }

    /**
     * The function name in any form Lambda takes: {@code name}, {@code name:qualifier},
     * {@code account:function:name[:qualifier]} or the full ARN.
     */
    static String functionName(String reference) {
        String[] parts = reference.split(":");
        int function = Arrays.asList(parts).indexOf("function");
        return function >= 0 && function + 1 < parts.length ? parts[function + 1] : parts[0];
    }
}
