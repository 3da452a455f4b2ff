package dev.sluice.workers.ai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.ai.ChatMessage;
import dev.sluice.core.ai.ChatReply;
import dev.sluice.core.ai.ChatRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

class OfflineChatModelTest {

    private final OfflineChatModel model = new OfflineChatModel();

    @Test
    void itSaysPlainlyThatItIsNotAGenerativeModel() {
        ChatReply reply = model.reply(request("Name a cat. Then a dog."));

        assertThat(reply.generative()).isFalse();
        assertThat(reply.provider()).isEqualTo("sluice-offline");
        assertThat(reply.text()).startsWith("[offline local provider, not a generative model]")
                .contains("received 6 words", "It begins: \"Name a cat.\"");
        assertThat(reply.usage().inputTokens()).isEqualTo(6);
    }

    @Test
    void theSameRequestGetsTheSameAnswer() {
        ChatRequest request = request("Why is the sky blue?");

        assertThat(model.reply(request)).isEqualTo(model.reply(request));
    }

    @Test
    void aLongInputWithoutASentenceEndIsCutAt200Characters() {
        ChatReply reply = model.reply(request("x".repeat(500)));

        assertThat(reply.text()).contains("\"" + "x".repeat(200) + "\"").doesNotContain("x".repeat(201));
    }

    private static ChatRequest request(String input) {
        return new ChatRequest(OfflineChatModel.MODEL, null, List.of(ChatMessage.user(input)), 0, 1024, null);
    }
}
