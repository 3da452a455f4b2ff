package dev.sluice.workers.bedrock;

import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.embed.Embedder;
import dev.sluice.workers.embed.EmbedderProvider;
import dev.sluice.workers.embed.Embedders;

/** {@code EMBEDDER=bedrock}: Titan Text Embeddings v2, its inputs counted with the bundle's tokenizer when need be. */
public final class TitanEmbedderProvider implements EmbedderProvider {

    @Override
    public String kind() {
        return "bedrock";
    }

    @Override
    public String modelId() {
        return TitanEmbedder.MODEL_ID;
    }

    @Override
    public int maxInputTokens() {
        return TitanEmbedder.MAX_INPUT_TOKENS;
    }

    @Override
    public boolean estimatedCount() {
        return true;
    }

    @Override
    public void checkDimensions(int dimensions) {
        if (!TitanEmbedder.DIMENSIONS.contains(dimensions)) {
            throw new IllegalArgumentException(TitanEmbedder.MODEL_ID
                    + " makes vectors of 256, 512 or 1024 dimensions; EMBEDDING_DIMENSIONS is " + dimensions);
        }
    }

    @Override
    public Embedder embedder(AwsClients aws, int dimensions) {
        return new TitanEmbedder(TitanEmbedder.client(aws), dimensions, Embedders::tokenizer,
                TitanEmbedder.DEFAULT_PARALLELISM);
    }
}
