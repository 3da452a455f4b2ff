package dev.sluice.workers.bedrock;

import dev.sluice.core.ai.ChatModel;
import dev.sluice.core.aws.AwsClients;
import dev.sluice.workers.chat.ChatModelProvider;

/** {@code CHAT_MODEL=bedrock}: Converse and ConverseStream on Bedrock, wherever the SDK's settings point. */
public final class BedrockChatModelProvider implements ChatModelProvider {

    /** Claude Sonnet 4.5 through its US cross-region inference profile: the gateway's default model type. */
    public static final String DEFAULT_MODEL = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";

    @Override
    public String kind() {
        return BedrockChatModel.PROVIDER;
    }

    @Override
    public ChatModel model(AwsClients aws) {
        return BedrockChatModel.fromEnvironment(aws);
    }

    @Override
    public String defaultModelId(AwsClients aws) {
        return DEFAULT_MODEL;
    }
}
