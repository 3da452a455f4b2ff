package dev.sluice.workers.embed;

import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.embed.Embedder;
import dev.sluice.workers.config.Setting;

/** Picks the handler's {@link Embedder} from {@code EMBEDDER} and {@code EMBEDDING_DIMENSIONS}. */
public final class Embedders {

    private static final int TITAN_DEFAULT_DIMENSIONS = 1024;

    private Embedders() {
    }

    public static Embedder fromEnvironment(AwsClients aws) {
        String dimensions = Setting.EMBEDDING_DIMENSIONS.from(aws);
        return switch (Setting.EMBEDDER.from(aws)) {
            case "bedrock" -> new TitanEmbedder(TitanEmbedder.client(aws), dimensions(aws), BgeTokenizer.shared(),
                    TitanEmbedder.DEFAULT_PARALLELISM);
            case "local" -> {
                // A vector index is built for one dimension: a mismatch caught here is not a failed index write later.
                if (!dimensions.isEmpty() && Integer.parseInt(dimensions) != BgeSmallEmbedder.DIMENSIONS) {
                    throw new IllegalArgumentException("EMBEDDER=local makes " + BgeSmallEmbedder.DIMENSIONS
                            + "-dimension vectors; EMBEDDING_DIMENSIONS is " + dimensions);
                }
                yield new BgeSmallEmbedder();
            }
            default -> throw new IllegalArgumentException("EMBEDDER must be bedrock or local");
        };
    }

    /**
     * The input window of the environment's embedder, without loading the model: what the chunker
     * and the API's checks need (the local model is about 300 MB; its tokenizer is not).
     */
    public static InputWindow inputWindow(AwsClients aws) {
        return switch (Setting.EMBEDDER.from(aws)) {
            case "bedrock" -> new InputWindow(TitanEmbedder.MODEL_ID, BgeTokenizer.shared(),
                    TitanEmbedder.MAX_INPUT_TOKENS, true);
            case "local" -> new InputWindow(BgeSmallEmbedder.MODEL_ID, BgeTokenizer.shared(),
                    BgeSmallEmbedder.MAX_INPUT_TOKENS, false);
            default -> throw new IllegalArgumentException("EMBEDDER must be bedrock or local");
        };
    }

    /** The size of the vectors the environment's embedder makes, without loading it: what an index is built for. */
    public static int dimensions(AwsClients aws) {
        String dimensions = Setting.EMBEDDING_DIMENSIONS.from(aws);
        if ("local".equals(Setting.EMBEDDER.from(aws))) {
            return BgeSmallEmbedder.DIMENSIONS;
        }
        return dimensions.isEmpty() ? TITAN_DEFAULT_DIMENSIONS : Integer.parseInt(dimensions);
    }
}
