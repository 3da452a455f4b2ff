package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ChatChoiceTest {

    @Test
    void localChangesNothing() {
        assertThat(ChatChoice.parse("local", Map.of()).profileValues()).isEmpty();
    }

    @Test
    void bedrockTakesTheUsersCredentialsAndTheirBedrockEndpointWhenSet() {
        assertThat(ChatChoice.parse("bedrock", Map.of()).profileValues()).isEqualTo(Map.of(
                "chatModel", "bedrock", "aiRoutes", "bedrock", "bedrockCredentials", "process"));
        assertThat(ChatChoice.parse("bedrock", Map.of("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "http://127.0.0.1:8123"))
                .profileValues()).containsEntry("bedrockEndpoint", "http://127.0.0.1:8123");
    }

    @Test
    void openAiTakesTheServerAndOptionallyTheModel() {
        assertThat(ChatChoice.parse("openai=http://127.0.0.1:8000#qwen2.5", Map.of()).profileValues()).isEqualTo(
                Map.of("chatModel", "openai", "aiRoutes", "openai", "openAiBaseUrl", "http://127.0.0.1:8000", "openAiModel", "qwen2.5"));
        assertThat(ChatChoice.parse("openai=http://localhost:11434", Map.of()).profileValues()).isEqualTo(
                Map.of("chatModel", "openai", "aiRoutes", "openai", "openAiBaseUrl", "http://localhost:11434"));
    }

    @Test
    void anythingElseIsRefusedSayingWhatIsAccepted() {
        assertThatThrownBy(() -> ChatChoice.parse("gpt", Map.of())).hasMessage(ChatChoice.USAGE + ", not gpt");
        assertThatThrownBy(() -> ChatChoice.parse("openai=localhost:8000", Map.of()))
                .hasMessageContaining(ChatChoice.USAGE).hasMessageContaining("not an http(s) URL");
        assertThatThrownBy(() -> ChatChoice.parse("openai=http://127.0.0.1:8000#", Map.of()))
                .hasMessageContaining("the model after # is empty");
    }
}
