package dev.sluice.workers.embed;

import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.embed.Embedder;
import dev.sluice.workers.config.Setting;

/** Picks the handler's {@link Embedder} from {@code EMBEDDER} and {@code EMBEDDING_DIMENSIONS}. */
public final class Embedders {

    private Embedders() {
    }

    /**
     * The embedder a function's environment asks for, read and checked when the handler is built;
     * the embedder itself may be built later, on first use.
     */
    public record Choice(String kind, int dimensions) {

        public Choice {
            switch (kind) {
                // A vector index is built for one dimension: a mismatch caught here is not a failed index write later.
                case "local" -> {
                    if (dimensions != BgeSmallEmbedder.DIMENSIONS) {
                        throw new IllegalArgumentException("EMBEDDER=local makes " + BgeSmallEmbedder.DIMENSIONS
                                + "-dimension vectors; EMBEDDING_DIMENSIONS is " + dimensions);
                    }
                }
                case "bedrock" -> {
                    if (!TitanEmbedder.DIMENSIONS.contains(dimensions)) {
                        throw new IllegalArgumentException(TitanEmbedder.MODEL_ID
                                + " makes vectors of 256, 512 or 1024 dimensions; EMBEDDING_DIMENSIONS is " + dimensions);
                    }
                }
                default -> throw new IllegalArgumentException("EMBEDDER must be bedrock or local, not " + kind);
            }
        }

        public Embedder embedder(AwsClients aws) {
            return kind.equals("bedrock")
                    ? new TitanEmbedder(TitanEmbedder.client(aws), dimensions, BgeTokenizer.shared(),
                            TitanEmbedder.DEFAULT_PARALLELISM)
                    : new BgeSmallEmbedder();
        }

        public InputWindow inputWindow() {
            return Embedders.inputWindow(kind);
        }
    }

    public static Choice choice(AwsClients aws) {
        return new Choice(Setting.EMBEDDER.from(aws), Setting.EMBEDDING_DIMENSIONS.intFrom(aws));
    }

    public static Embedder fromEnvironment(AwsClients aws) {
        return choice(aws).embedder(aws);
    }

    /**
     * The input window of the environment's embedder, without loading the model: what the chunker
     * and the API's checks need (the local model is about 300 MB; its tokenizer is not).
     */
    public static InputWindow inputWindow(AwsClients aws) {
        return inputWindow(Setting.EMBEDDER.from(aws));
    }

    private static InputWindow inputWindow(String kind) {
        return switch (kind) {
            case "bedrock" -> new InputWindow(TitanEmbedder.MODEL_ID, BgeTokenizer.shared(),
                    TitanEmbedder.MAX_INPUT_TOKENS, true);
            case "local" -> new InputWindow(BgeSmallEmbedder.MODEL_ID, BgeTokenizer.shared(),
                    BgeSmallEmbedder.MAX_INPUT_TOKENS, false);
            default -> throw new IllegalArgumentException("EMBEDDER must be bedrock or local, not " + kind);
        };
    }
}
