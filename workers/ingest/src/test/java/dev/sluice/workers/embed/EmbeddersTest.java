package dev.sluice.workers.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.embed.Embedder;
import dev.sluice.core.topology.Definitions;
import dev.sluice.core.topology.ResourceKind;
import dev.sluice.workers.bedrock.TitanEmbedder;
import dev.sluice.workers.onnx.BgeSmallEmbedder;
import dev.sluice.workers.tokenizer.BgeTokenizer;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmbeddersTest {

    @Test
    void titanAtTheDimensionsAskedFor() {
        Embedder embedder = Embedders.fromEnvironment(aws(Map.of("EMBEDDER", "bedrock", "EMBEDDING_DIMENSIONS", "512")));
        assertThat(embedder).isInstanceOf(TitanEmbedder.class);
        assertThat(embedder.dimensions()).isEqualTo(512);
        assertThat(embedder.tokenizer()).isSameAs(BgeTokenizer.shared());
        assertThatThrownBy(() -> Embedders.choice(aws(Map.of("EMBEDDER", "bedrock", "EMBEDDING_DIMENSIONS", "768"))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theModelTheTitanEmbedderCallsIsOneTheTopologyDeclaresAndGrants() {
        var topology = Definitions.bundled().topology();
        assertThat(topology.models()).contains(TitanEmbedder.MODEL_ID);
        assertThat(topology.function("ingest-embed").orElseThrow().uses(ResourceKind.MODEL, TitanEmbedder.MODEL_ID))
                .isNotEmpty();
    }

    @Test
    void theLocalModelAt384DimensionsLoadedOnItsFirstEmbedOnly() {
        Embedder embedder = Embedders.fromEnvironment(aws(Map.of("EMBEDDER", "local", "EMBEDDING_DIMENSIONS", "384")));
        assertThat(embedder).isInstanceOf(BgeSmallEmbedder.class);
        assertThat(embedder.modelId()).isEqualTo("bge-small-en-v1.5-q");
        assertThat(embedder.dimensions()).isEqualTo(384);
    }

    @Test
    void aSettingTheFunctionDoesNotDeclareFailsNamingIt() {
        assertThatThrownBy(() -> Embedders.choice(aws(Map.of("EMBEDDER", "local"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("EMBEDDING_DIMENSIONS is not set: declare it in the function's environment in topology.json");
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
        assertThatThrownBy(() -> Embedders.fromEnvironment(aws(Map.of("EMBEDDER", "openai", "EMBEDDING_DIMENSIONS", "1024"))))
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
