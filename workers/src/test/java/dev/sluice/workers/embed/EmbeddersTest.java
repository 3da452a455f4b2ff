package dev.sluice.workers.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.embed.Embedder;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmbeddersTest {

    @Test
    void titanAt1024DimensionsByDefault() {
        Embedder embedder = Embedders.fromEnvironment(aws(Map.of()));
        assertThat(embedder).isInstanceOf(TitanEmbedder.class);
        assertThat(embedder.dimensions()).isEqualTo(1024);
        assertThat(embedder.tokenizer()).isSameAs(BgeTokenizer.shared());
    }

    @Test
    void titanAtTheDimensionsAskedFor() {
        Embedder embedder = Embedders.fromEnvironment(aws(Map.of("EMBEDDER", "bedrock", "EMBEDDING_DIMENSIONS", "512")));
        assertThat(embedder.dimensions()).isEqualTo(512);
        assertThatThrownBy(() -> Embedders.fromEnvironment(aws(Map.of("EMBEDDING_DIMENSIONS", "768"))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theLocalModelAt384Dimensions() {
        Embedder embedder = Embedders.fromEnvironment(aws(Map.of("EMBEDDER", "local")));
        assertThat(embedder).isInstanceOf(BgeSmallEmbedder.class);
        assertThat(embedder.modelId()).isEqualTo("bge-small-en-v1.5-q");
        assertThat(Embedders.fromEnvironment(aws(Map.of("EMBEDDER", "local", "EMBEDDING_DIMENSIONS", "384")))
                .dimensions()).isEqualTo(384);
    }

    @Test
    void refusesADimensionTheLocalModelCannotMake() {
        assertThatThrownBy(() -> Embedders.fromEnvironment(aws(Map.of("EMBEDDER", "local",
                "EMBEDDING_DIMENSIONS", "1024"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("384");
    }

    @Test
    void refusesAnUnknownEmbedder() {
        assertThatThrownBy(() -> Embedders.fromEnvironment(aws(Map.of("EMBEDDER", "openai"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bedrock or local");
    }

    private static AwsClients aws(Map<String, String> settings) {
        Map<String, String> env = new HashMap<>(Map.of("AWS_REGION", "us-east-1", "AWS_ACCESS_KEY_ID", "AKIDTEST",
                "AWS_SECRET_ACCESS_KEY", "secret"));
        env.putAll(settings);
        return new AwsClients(env);
    }
}
