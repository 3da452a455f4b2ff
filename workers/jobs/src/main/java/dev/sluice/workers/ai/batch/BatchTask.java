package dev.sluice.workers.ai.batch;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.failure.PortFailure;
import dev.sluice.core.json.Json;
import dev.sluice.workers.logging.LogContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * A step of the batch state machine as a Lambda handler: JSON in, JSON out; a failure that may pass
 * is thrown as {@link RetryableBatchException} (the state machine retries it with backoff), anything
 * else as it is (caught into ReturnOnDemand).
 */
abstract class BatchTask implements RequestStreamHandler {

    protected abstract JsonNode run(JsonNode input, Context context) throws Exception;

    @Override
    public final void handleRequest(InputStream in, OutputStream out, Context context) throws IOException {
        JsonNode input = Json.MAPPER.readTree(in);
        try (LogContext invocation = LogContext.invocation(context)) {
            JsonNode result;
            try {
                result = run(input, context);
            } catch (RuntimeException e) {
                throw retryable(e) ? new RetryableBatchException(e.toString(), e) : e;
            } catch (Exception e) {
                throw new IllegalStateException(e.toString(), e);
            }
            Json.MAPPER.writeValue(out, result == null ? Json.object() : result);
        }
    }

    static boolean retryable(RuntimeException e) {
        if (e instanceof PortFailure failure) {
            return failure.retryable();
        }
        if (e instanceof AwsServiceException service) {
            return service.isThrottlingException() || service.statusCode() >= 500;
        }
        return e instanceof SdkClientException;
    }

    static BatchRun run(JsonNode input) {
        return Json.MAPPER.convertValue(input, BatchRun.class);
    }
}
