package dev.sluice.workers.ai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.ai.ChatReply;
import dev.sluice.core.ai.ChatRequest;
import org.junit.jupiter.api.Test;

class OfflineChatModelTest {

    private final OfflineChatModel model = new OfflineChatModel();

    @Test
    void itSaysPlainlyThatItIsNotAGenerativeModel() {
        ChatReply reply = model.reply(new ChatRequest("magicSpark", "Name a cat. Then a dog.", "s-1"));

        assertThat(reply.generative()).isFalse();
        assertThat(reply.provider()).isEqualTo("sluice-offline");
        assertThat(reply.text()).startsWith("[offline local provider, not a generative model]")
                .contains("magicSpark received 6 words", "It begins: \"Name a cat.\"");
        assertThat(reply.inputTokens()).isEqualTo(6);
    }

    @Test
    void theSameRequestGetsTheSameAnswer() {
        ChatRequest request = new ChatRequest("logicArchitect", "Why is the sky blue?", "s-2");

        assertThat(model.reply(request)).isEqualTo(model.reply(request));
    }

    @Test
    void aLongInputWithoutASentenceEndIsCutAt200Characters() {
        ChatReply reply = model.reply(new ChatRequest("styleMaster", "x".repeat(500), "s-3"));

        assertThat(reply.text()).contains("\"" + "x".repeat(200) + "\"").doesNotContain("x".repeat(201));
    }
}
