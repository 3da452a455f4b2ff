package dev.sluice.workers.ai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.aws.AwsClients;
import dev.sluice.workers.bedrock.BedrockChatModel;
import dev.sluice.workers.chat.ChatModels;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** CHAT_MODEL among what the jobs bundle carries: the offline provider and Bedrock, not a local server. */
class ChatModelsTest {

    private static AwsClients env(String chatModel) {
        return new AwsClients(Map.of("CHAT_MODEL", chatModel, "AWS_REGION", "us-east-1", "AWS_ACCESS_KEY_ID",
                "AKIDTEST", "AWS_SECRET_ACCESS_KEY", "secret"));
    }

    @Test
    void localIsTheOfflineProvider() {
        ChatModels.Choice choice = ChatModels.choice(env("local"));
        assertThat(choice.model()).isInstanceOf(OfflineChatModel.class);
    }

    @Test
    void bedrockIsConverseOnBedrock() {
        ChatModels.Choice choice = ChatModels.choice(env("bedrock"));
        assertThat(choice.model()).isInstanceOf(BedrockChatModel.class);
    }

    @Test
    void aProviderTheBundleDoesNotCarryFailsNamingThoseItDoes() {
        assertThatThrownBy(() -> ChatModels.choice(env("openai")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("CHAT_MODEL must be bedrock or local (the chat models this bundle carries), not openai");
    }

    @Test
    void anUndeclaredChatModelFailsNamingTheVariable() {
        assertThatThrownBy(() -> ChatModels.choice(new AwsClients(Map.of())))
                .hasMessageContaining("CHAT_MODEL is not set");
    }
}
