package dev.sluice.workers.onnx;

import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.embed.Embedder;
import dev.sluice.workers.embed.EmbedderProvider;

/** {@code EMBEDDER=local}: BGE small in-process, the model loaded on its first embed. */
public final class BgeSmallEmbedderProvider implements EmbedderProvider {

    @Override
    public String kind() {
        return "local";
    }

    @Override
    public String modelId() {
        return BgeSmallEmbedder.MODEL_ID;
    }

    @Override
    public int maxInputTokens() {
        return BgeSmallEmbedder.MAX_INPUT_TOKENS;
    }

    @Override
    public boolean estimatedCount() {
        return false;
    }

    @Override
    public void checkDimensions(int dimensions) {
        if (dimensions != BgeSmallEmbedder.DIMENSIONS) {
            throw new IllegalArgumentException("EMBEDDER=local makes " + BgeSmallEmbedder.DIMENSIONS
                    + "-dimension vectors; EMBEDDING_DIMENSIONS is " + dimensions);
        }
    }

    @Override
    public Embedder embedder(AwsClients aws, int dimensions) {
        return new BgeSmallEmbedder();
    }
}
