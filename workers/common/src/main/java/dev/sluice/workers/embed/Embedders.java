package dev.sluice.workers.embed;

import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.embed.Embedder;
import dev.sluice.core.embed.Tokenizer;
import dev.sluice.workers.config.Setting;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Picks the handler's {@link Embedder} from {@code EMBEDDER} and {@code EMBEDDING_DIMENSIONS}, among
 * the {@link EmbedderProvider}s its bundle carries.
 */
public final class Embedders {

    private Embedders() {
    }

    /**
     * The embedder a function's environment asks for, read and checked when the handler is built;
     * the embedder itself may be built later, on first use.
     */
    public record Choice(EmbedderProvider provider, int dimensions) {

        public Choice {
            // A vector index is built for one dimension: a mismatch caught here is not a failed index write later.
            provider.checkDimensions(dimensions);
        }

        public String kind() {
            return provider.kind();
        }

        public Embedder embedder(AwsClients aws) {
            return provider.embedder(aws, dimensions);
        }

        /** The most tokens one input may hold: what the API checks chunk sizes against, with no tokenizer. */
        public int maxInputTokens() {
            return provider.maxInputTokens();
        }

        /** The window texts are sized and checked by, counted with the bundle's tokenizer when it must count. */
        public InputWindow inputWindow() {
            return windowOf(provider);
        }
    }

    public static Choice choice(AwsClients aws) {
        String kind = Setting.EMBEDDER.from(aws);
        return new Choice(provider(kind), Setting.EMBEDDING_DIMENSIONS.intFrom(aws));
    }

    public static Embedder fromEnvironment(AwsClients aws) {
        return choice(aws).embedder(aws);
    }

    /**
     * The input window of the environment's embedder, without loading the model: what the chunker
     * needs (the local model is about 300 MB; its tokenizer is not).
     */
    public static InputWindow inputWindow(AwsClients aws) {
        return windowOf(provider(Setting.EMBEDDER.from(aws)));
    }

    private static InputWindow windowOf(EmbedderProvider provider) {
        return new InputWindow(provider.modelId(), Embedders::tokenizer, provider.maxInputTokens(),
                provider.estimatedCount());
    }

    /**
     * The tokenizer this bundle carries, loaded on first use.
     *
     * @throws IllegalStateException in a bundle without one: it was built not to count tokens
     */
    public static Tokenizer tokenizer() {
        return ServiceLoader.load(TokenizerProvider.class, TokenizerProvider.class.getClassLoader()).findFirst()
                .map(TokenizerProvider::tokenizer)
                .orElseThrow(() -> new IllegalStateException("this bundle carries no tokenizer to count tokens with"
                        + " (module sluice-workers-tokenizer)"));
    }

    static EmbedderProvider provider(String kind) {
        List<EmbedderProvider> carried = ServiceLoader.load(EmbedderProvider.class,
                EmbedderProvider.class.getClassLoader()).stream().map(ServiceLoader.Provider::get).toList();
        return carried.stream().filter(p -> p.kind().equals(kind)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("EMBEDDER must be "
                        + String.join(" or ", carried.stream().map(EmbedderProvider::kind).sorted().toList())
                        + " (the embedders this bundle carries), not " + kind));
    }
}
