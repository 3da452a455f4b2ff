package dev.sluice.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.topology.Definitions;
import dev.sluice.core.topology.FunctionSpec;
import dev.sluice.core.topology.ResourceKind;
import dev.sluice.core.topology.Topology;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where Bedrock is, for the functions that use a model, and for no other. */
class FunctionEnvironmentsTest {

    @TempDir
    Path state;

    private final Topology topology = Definitions.bundled().topology();

    private FunctionEnvironments environments(Map<String, String> profileValues) {
        URI nowhere = URI.create("http://127.0.0.1:9");
        return new FunctionEnvironments(topology, FunctionEnvironments.localProfile(topology, profileValues),
                AwsIdentity.LOCAL, state, new FunctionEnvironments.Services(nowhere, nowhere, nowhere, nowhere,
                        nowhere, nowhere, Map.of("sluice-ws", nowhere), URI.create("tcp://127.0.0.1:9")));
    }

    @Test
    void theBedrockEndpointGoesToEveryFunctionThatUsesAModelAndToNoOther() {
        FunctionEnvironments environments = environments(Map.of("chatModel", "bedrock",
                "bedrockEndpoint", "http://127.0.0.1:8123", "bedrockCredentials", "process"));
        for (FunctionSpec f : topology.functions()) {
            boolean usesModel = f.uses().stream().anyMatch(u -> u.kind() == ResourceKind.MODEL);
            Map<String, String> env = environments.of(f);
            if (usesModel) {
                assertThat(env).as(f.name()).containsEntry("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "http://127.0.0.1:8123");
            } else {
                assertThat(env).as(f.name()).doesNotContainKey("AWS_ENDPOINT_URL_BEDROCK_RUNTIME");
            }
        }
        Map<String, String> aiWorker = environments.of(topology.function("ai-worker").orElseThrow());
        assertThat(aiWorker).containsEntry("CHAT_MODEL", "bedrock").containsEntry("BEDROCK_CREDENTIALS", "process");
    }

    @Test
    void byDefaultBedrockIsAwssOwnAndTheAiWorkersAreOffline() {
        Map<String, String> aiWorker = environments(Map.of()).of(topology.function("ai-worker").orElseThrow());
        assertThat(aiWorker).containsEntry("CHAT_MODEL", "local")
                .doesNotContainKeys("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "BEDROCK_CREDENTIALS", "OPENAI_BASE_URL");
    }
}
