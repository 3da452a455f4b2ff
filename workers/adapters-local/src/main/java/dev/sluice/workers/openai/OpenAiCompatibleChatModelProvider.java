package dev.sluice.workers.openai;

import dev.sluice.core.ai.ChatModel;
import dev.sluice.core.aws.AwsClients;
import dev.sluice.workers.chat.ChatModelProvider;
import dev.sluice.workers.config.Setting;
import java.net.URI;

/**
 * {@code CHAT_MODEL=openai}: the user's OpenAI-compatible server at {@code OPENAI_BASE_URL}, asked for
 * {@code OPENAI_MODEL} (servers that serve one model take any name: {@code default} when none is set).
 */
public final class OpenAiCompatibleChatModelProvider implements ChatModelProvider {

    @Override
    public String kind() {
        return "openai";
    }

    @Override
    public ChatModel model(AwsClients aws) {
        return OpenAiCompatibleChatModel.create(URI.create(Setting.OPENAI_BASE_URL.from(aws)), aws.env(Setting.OPENAI_MODEL.name(), "default"));
    }
}
