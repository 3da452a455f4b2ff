package dev.sluice.workers.ai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.ai.ChatMessage;
import dev.sluice.core.ai.ChatReply;
import dev.sluice.core.ai.ChatRequest;
import dev.sluice.core.search.SearchHit;
import dev.sluice.workers.ai.gateway.DocumentContext;
import java.util.List;
import org.junit.jupiter.api.Test;

class OfflineChatModelTest {

    private final OfflineChatModel model = new OfflineChatModel();

    @Test
    void withDocumentsItQuotesTheBestMatchingSentencesWithTheirNumbers() {
        String turn = DocumentContext.wrap(List.of(
                hit("Sluice runs on AWS. Retries use full jitter between attempts. The sky is blue."),
                hit("A circuit breaker opens after repeated failures. Jitter spreads the retries of many clients.")),
                "How does Sluice spread the retries of its clients with jitter?");

        ChatReply reply = model.reply(request(turn));

        assertThat(reply.generative()).isFalse();
        assertThat(reply.provider()).isEqualTo("sluice-offline");
        assertThat(reply.model()).isEqualTo("offline-extractive-1");
        assertThat(reply.text()).startsWith("[offline local provider, not a generative model]")
                .contains("\"Jitter spreads the retries of many clients.\" [2]",
                        "\"Retries use full jitter between attempts.\" [1]")
                .doesNotContain("The sky is blue", "circuit breaker");
        assertThat(reply.text().indexOf("[2]")).isLessThan(reply.text().indexOf("[1]"));
        assertThat(reply.usage().inputTokens()).isEqualTo((turn.length() + 3) / 4);
    }

    @Test
    void documentsThatShareNoWordWithTheQuestionAreSaidToBeUnrelated() {
        ChatReply reply = model.reply(request(DocumentContext.wrap(List.of(hit("Kittens sleep a lot.")),
                "Quarterly revenue?")));

        assertThat(reply.text()).contains("None of the 1 documents given shares a word with the question",
                "\"Kittens sleep a lot.\" [1]");
    }

    @Test
    void withoutDocumentsItSaysThereIsNothingToQuoteAndWhatItReceived() {
        ChatReply reply = model.reply(request("Name a cat. Then a dog."));

        assertThat(reply.text()).startsWith("[offline local provider, not a generative model]")
                .contains("No documents were given", "received 6 words", "It begins: \"Name a cat.\"");
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

    private static SearchHit hit(String text) {
        return new SearchHit("d", "k", 0, text, 0.9, null, List.of());
    }

    private static ChatRequest request(String input) {
        return new ChatRequest(OfflineChatModel.MODEL, null, List.of(ChatMessage.user(input)), 0, 1024, null);
    }
}
