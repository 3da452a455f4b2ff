package dev.sluice.workers.embed;

import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.embed.Embedder;

/**
 * An embedder a bundle carries, found with {@link java.util.ServiceLoader} by the {@code EMBEDDER}
 * value that names it: a bundle lists its providers in {@code META-INF/services}, so no handler
 * compiles against an adapter its bundle does not ship (the AWS bundles carry Bedrock's only).
 */
public interface EmbedderProvider {

    /** The {@code EMBEDDER} value that picks this embedder. */
    String kind();

    String modelId();

    /** The most tokens one input may hold, known without loading the model or a tokenizer. */
    int maxInputTokens();

    /** Whether inputs are counted with another model's tokenizer, so that counts are approximate. */
    boolean estimatedCount();

    /** @throws IllegalArgumentException unless the model makes vectors of {@code dimensions} */
    void checkDimensions(int dimensions);

    /** The embedder for a function's environment; a model may load on its first embed, not here. */
    Embedder embedder(AwsClients aws, int dimensions);
}
