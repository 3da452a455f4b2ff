package dev.sluice.local.flow;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.failure.PortFailure;
import dev.sluice.core.embed.Embedder;
import dev.sluice.core.embed.Tokenizer;
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
 * The real embed step whose model is unavailable on request: a chunk holding
 * {@code EMBED-FAILS-TIMES-N} makes its first N calls throw a retryable error,
 * {@code EMBED-FAILS-ALWAYS} every call; or refuses it for good: {@code EMBED-REFUSES-ONCE} the
 * first time only (a document that fails, then succeeds when retried), {@code EMBED-REFUSES-ALWAYS}
 * every time. Only the model is a double.
 */
public final class FlakyEmbedTask implements RequestStreamHandler {

    static final Map<String, AtomicInteger> CALLS = new ConcurrentHashMap<>();

    private final EmbedTask task;

    public FlakyEmbedTask() {
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
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile("EMBED-FAILS-TIMES-(\\d+)").matcher(text);
                    if (text.contains("EMBED-FAILS-ALWAYS") || m.find() && call <= Integer.parseInt(m.group(1))) {
                        throw PortFailure.retryable(Embedder.UNAVAILABLE, "model throttled (call " + call + ")", null);
                    }
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
