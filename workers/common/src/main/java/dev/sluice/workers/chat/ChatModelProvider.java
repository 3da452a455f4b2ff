package dev.sluice.workers.chat;

import dev.sluice.core.ai.ChatModel;
import dev.sluice.core.aws.AwsClients;

/**
 * One kind of {@code CHAT_MODEL} a bundle can carry, found with {@link java.util.ServiceLoader}: the
 * jobs bundle carries {@code local} (offline) and {@code bedrock}; the local runtime also
 * {@code openai} (a user's own OpenAI-compatible server).
 */
public interface ChatModelProvider {

    /** The value of {@code CHAT_MODEL} that picks this provider. */
    String kind();

    /** The chat model, from the function's environment (its own settings, read now, failing when missing). */
    ChatModel model(AwsClients aws);

}
