package dev.sluice.workers.ai;

import dev.sluice.core.ai.ChatModel;
import dev.sluice.core.aws.AwsClients;
import dev.sluice.workers.chat.ChatModelProvider;

/** {@code CHAT_MODEL=local}: the offline provider, which says it is not a generative model. */
public final class OfflineChatModelProvider implements ChatModelProvider {

    @Override
    public String kind() {
        return "local";
    }

    @Override
    public ChatModel model(AwsClients aws) {
        return new OfflineChatModel();
    }
}
