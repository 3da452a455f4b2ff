package dev.sluice.cli.operations;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.embed.Embedder;
import dev.sluice.core.embed.Tokenizer;
import dev.sluice.core.failure.PortFailure;
import dev.sluice.workers.embed.Embedders;
import dev.sluice.workers.ingest.EmbedTask;
import dev.sluice.workers.ingest.IngestServices;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real embed step whose model refuses a chunk for good: {@code EMBED-REFUSES-ONCE} the first
 * time only (a document that fails, then succeeds when retried), {@code EMBED-REFUSES-ALWAYS} every
 * time. Only the model is a double.
 */
public final class RefusingEmbedTask implements RequestStreamHandler {

    static final Map<String, AtomicInteger> CALLS = new ConcurrentHashMap<>();

    private final EmbedTask task;

    public RefusingEmbedTask() {
        AwsClients aws = AwsClients.fromEnvironment();
        Embedder real = Embedders.fromEnvironment(aws);
        this.task = new EmbedTask(IngestServices.fromEnvironment(aws, IngestServices.Need.WORK_OBJECTS), new Embedder() {
            @Override
            public String modelId() {
                return real.modelId();
            }

            @Override
            public int dimensions() {
                return real.dimensions();
            }

            @Override
            public int maxInputTokens() {
                return real.maxInputTokens();
            }

            @Override
            public Tokenizer tokenizer() {
                return real.tokenizer();
            }

            @Override
            public List<float[]> embed(List<String> texts) {
                for (String text : texts) {
                    int call = CALLS.computeIfAbsent(text, t -> new AtomicInteger()).incrementAndGet();
                    if (text.contains("EMBED-REFUSES-ALWAYS") || text.contains("EMBED-REFUSES-ONCE") && call == 1) {
                        throw PortFailure.permanent("model_refused", "the model refused the input (call " + call + ")",
                                null);
                    }
                }
                return real.embed(texts);
            }
        });
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        task.handleRequest(input, output, context);
    }
}
