package dev.sluice.core.embed;

import java.util.List;

/**
 * Turns text into vectors: Bedrock Titan Text Embeddings v2 on AWS, an in-process ONNX model
 * locally. Input longer than {@link #maxInputTokens()} is refused, never truncated: the chunker
 * keeps every chunk within it.
 */
public interface Embedder {

    /** The failure code of an embedder that may answer later (throttled, timed out, unreachable). */
    String UNAVAILABLE = "embedder_unavailable";
    /** The failure code of input or an answer no retry can mend. */
    String FAILED = "embedding_failed";

    /** The model, as recorded beside each vector (an index holds vectors of one model). */
    String modelId();

    int dimensions();

    /** The most tokens one input may hold, special tokens not counted. */
    int maxInputTokens();

    Tokenizer tokenizer();

    /**
     * One unit-length vector per text, in order.
     *
     * @throws dev.sluice.core.failure.PortFailure {@link #UNAVAILABLE} (retryable) or {@link #FAILED}
     */
    List<float[]> embed(List<String> texts);

    /**
     * The vector of a search query, which some models embed differently from the passages it should
     * find (BGE wants an instruction before a query); the same as {@link #embed} for the others.
     *
     * @throws dev.sluice.core.failure.PortFailure as {@link #embed} does
     */
    default float[] embedQuery(String query) {
        return embed(List.of(query)).get(0);
    }
}
