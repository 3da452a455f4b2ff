package dev.sluice.cli.operations;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.sluice.workers.ingest.MarkFailedTask;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real MarkFailed step, broken for the upload whose key holds {@code markfail-breaks} until
 * {@link #heal} is set: until then it fails on every attempt, past the state's retries, where no Catch is.
 */
public final class BreakingMarkFailedTask implements RequestStreamHandler {

    static volatile boolean heal;
    static final AtomicInteger BROKEN_CALLS = new AtomicInteger();

    private final MarkFailedTask task = new MarkFailedTask();

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        byte[] bytes = input.readAllBytes();
        if (!heal && new String(bytes, StandardCharsets.UTF_8).contains("markfail-breaks")) {
            BROKEN_CALLS.incrementAndGet();
            throw new IllegalStateException("the documents table is unreachable (a double)");
        }
        task.handleRequest(new ByteArrayInputStream(bytes), output, context);
    }
}
