package dev.sluice.workers.bedrock;

import dev.sluice.core.ai.ChatModel;
import dev.sluice.core.aws.AwsClients;
import dev.sluice.workers.chat.ChatModelProvider;

/** {@code CHAT_MODEL=bedrock}: Converse and ConverseStream on Bedrock, wherever the SDK's settings point. */
public final class BedrockChatModelProvider implements ChatModelProvider {

    @Override
    public String kind() {
        return BedrockChatModel.PROVIDER;
    }

    @Override
    public ChatModel model(AwsClients aws) {
        return BedrockChatModel.fromEnvironment(aws);
    }
}
