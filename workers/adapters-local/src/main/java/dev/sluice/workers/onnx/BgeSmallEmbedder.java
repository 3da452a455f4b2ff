package dev.sluice.workers.onnx;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import dev.sluice.core.embed.Embedder;
import dev.sluice.core.embed.Tokenizer;
import dev.sluice.core.failure.PortFailure;
import dev.sluice.workers.embed.InputWindow;
import dev.sluice.workers.tokenizer.BgeTokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The offline embedder: BGE small en v1.5, int8-quantized, 384 dimensions, run in-process by ONNX
 * Runtime through langchain4j's {@link BgeSmallEnV15QuantizedEmbeddingModel} ([CLS] pooling, then
 * L2-normalized). The model and tokenizer come from the langchain4j jar; nothing is downloaded.
 *
 * <p>langchain4j splits a text over 510 tokens into windows and averages them without a word, so
 * every text is counted first and an over-long one refused.
 */
public final class BgeSmallEmbedder implements Embedder {

    public static final String MODEL_ID = "bge-small-en-v1.5-q";
    public static final int DIMENSIONS = 384;
    /** BERT's 512 positions less [CLS] and [SEP]. */
    public static final int MAX_INPUT_TOKENS = 510;

    /**
     * What BGE v1.5's authors put before a short query (never before a passage) for retrieval: the
     * model was trained so, and it lifts title queries on the recall benchmark (BENCHMARKS.md).
     */
    public static final String QUERY_INSTRUCTION = "Represent this sentence for searching relevant passages: ";
    /** {@link #QUERY_INSTRUCTION}'s tokens, which a query's window gives up (BgeSmallEmbedderTest counts them). */
    static final int QUERY_INSTRUCTION_TOKENS = 8;

    /**
     * ONNX Runtime 1.29 reads {@code /proc/self/cmdline} when it creates its environment and recurses
     * over it on the calling thread's stack: a command line over ~4 KB (a long {@code -cp}) overflows
     * the default stack and kills the JVM with SIGSEGV. The load runs on a thread whose stack fits any
     * command line; the stack is reserved, not committed.
     */
    private static final long LOADER_STACK_BYTES = 512L * 1024 * 1024;

    private static volatile EmbeddingModel sharedModel;

    private final Supplier<EmbeddingModel> model;
    private final Tokenizer tokenizer;

    /**
     * The model shared by every instance in this JVM (~300 MB resident), loaded on the first embed,
     * not here: a handler is built before it knows whether a request needs the model.
     */
    public BgeSmallEmbedder() {
        this(BgeSmallEmbedder::sharedModel, BgeTokenizer.shared());
    }

    BgeSmallEmbedder(EmbeddingModel model, Tokenizer tokenizer) {
        this(() -> model, tokenizer);
    }

    private BgeSmallEmbedder(Supplier<EmbeddingModel> model, Tokenizer tokenizer) {
        this.model = model;
        this.tokenizer = tokenizer;
    }

    /** Whether this JVM has loaded the model: a handler's construction must not. */
    public static boolean modelLoaded() {
        return sharedModel != null;
    }

    private static EmbeddingModel sharedModel() {
        EmbeddingModel local = sharedModel;
        if (local == null) {
            synchronized (BgeSmallEmbedder.class) {
                local = sharedModel;
                if (local == null) {
                    local = load();
                    sharedModel = local;
                }
            }
        }
        return local;
    }

    private static EmbeddingModel load() {
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread loader = new Thread(null, () -> {
            try {
                outcome.set(new BgeSmallEnV15QuantizedEmbeddingModel());
            } catch (Throwable e) {
                outcome.set(e);
            }
        }, "bge-small-loader", LOADER_STACK_BYTES);
        loader.start();
        try {
            loader.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw PortFailure.retryable(Embedder.UNAVAILABLE, "interrupted while loading " + MODEL_ID, e);
        }
        if (outcome.get() instanceof EmbeddingModel loaded) {
            return loaded;
        }
        Throwable failure = (Throwable) outcome.get();
        throw PortFailure.permanent(Embedder.FAILED, "cannot load " + MODEL_ID + ": " + failure, failure);
    }

    @Override
    public String modelId() {
        return MODEL_ID;
    }

    @Override
    public int dimensions() {
        return DIMENSIONS;
    }

    @Override
    public int maxInputTokens() {
        return MAX_INPUT_TOKENS;
    }

    @Override
    public Tokenizer tokenizer() {
        return tokenizer;
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        new InputWindow(MODEL_ID, () -> tokenizer, MAX_INPUT_TOKENS, false).check(texts);
        return run(texts);
    }

    /** The query is checked on its own (so one with nothing to read is still refused), then embedded after the instruction. */
    @Override
    public float[] embedQuery(String query) {
        new InputWindow(MODEL_ID, () -> tokenizer, MAX_INPUT_TOKENS - QUERY_INSTRUCTION_TOKENS, false)
                .check(List.of(query));
        return run(List.of(QUERY_INSTRUCTION + query)).get(0);
    }

    private List<float[]> run(List<String> texts) {
        // One text at a time on the caller's thread: ONNX Runtime already spreads each run over the cores.
        EmbeddingModel loaded = model.get();
        List<float[]> vectors = new ArrayList<>(texts.size());
        for (String text : texts) {
            try {
                vectors.add(loaded.embed(text).content().vector());
            } catch (RuntimeException e) {
                throw PortFailure.permanent(Embedder.FAILED, MODEL_ID + " failed: " + e.getMessage(), e);
            }
        }
        return vectors;
    }
}
