package dev.sluice.workers.chat;

import dev.sluice.core.ai.ChatModel;
import dev.sluice.core.aws.AwsClients;
import dev.sluice.workers.config.Setting;
import java.util.List;
import java.util.ServiceLoader;

/** Picks a handler's {@link ChatModel} from {@code CHAT_MODEL} among the providers its bundle carries. */
public final class ChatModels {

    private ChatModels() {
    }

    /** The chat model a function's environment asks for; the gateway's routes say which model ids it is asked for. */
    public record Choice(String kind, ChatModel model) {
    }

    /**
     * @throws IllegalArgumentException when {@code CHAT_MODEL} names a provider this bundle does not
     *     carry (say {@code openai} in a Lambda bundle), naming those it does
     */
    public static Choice choice(AwsClients aws) {
        ChatModelProvider provider = provider(Setting.CHAT_MODEL.from(aws));
        return new Choice(provider.kind(), provider.model(aws));
    }

    static ChatModelProvider provider(String kind) {
        List<ChatModelProvider> carried = ServiceLoader.load(ChatModelProvider.class,
                ChatModelProvider.class.getClassLoader()).stream().map(ServiceLoader.Provider::get).toList();
        return carried.stream().filter(p -> p.kind().equals(kind)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("CHAT_MODEL must be "
                        + String.join(" or ", carried.stream().map(ChatModelProvider::kind).sorted().toList())
                        + " (the chat models this bundle carries), not " + kind));
    }
}
