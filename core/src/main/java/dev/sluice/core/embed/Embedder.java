package dev.sluice.core.embed;

import java.util.List;

/**
 * Turns text into vectors: Bedrock Titan Text Embeddings v2 on AWS, an in-process ONNX model
 * locally. Input longer than {@link #maxInputTokens()} is refused, never truncated: the chunker
 * keeps every chunk within it.
 */
public interface Embedder {

    /** The model, as recorded beside each vector (an index holds vectors of one model). */
    String modelId();

    int dimensions();

    /** The most tokens one input may hold, special tokens not counted. */
    int maxInputTokens();

    Tokenizer tokenizer();

    /**
     * One unit-length vector per text, in order.
     *
     * @throws EmbeddingException classified as retryable (throttling, timeouts) or not
     */
    List<float[]> embed(List<String> texts);
}
