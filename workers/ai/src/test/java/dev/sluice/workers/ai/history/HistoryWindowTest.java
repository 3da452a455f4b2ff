package dev.sluice.workers.ai.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.ai.ChatMessage;
import dev.sluice.workers.ai.history.ConversationHistory.Exchange;
import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryWindowTest {

    @Test
    void theNewestExchangesThatFitAreKeptInTheOrderTheyHappened() {
        // 8 + 8 characters: 4 tokens an exchange.
        List<Exchange> newestFirst = List.of(new Exchange("j3", "third q.", "third a."),
                new Exchange("j2", "secnd q.", "secnd a."), new Exchange("j1", "first q.", "first a."));

        assertThat(HistoryWindow.fit(newestFirst, 8)).containsExactly(ChatMessage.user("secnd q."),
                ChatMessage.assistant("secnd a."), ChatMessage.user("third q."), ChatMessage.assistant("third a."));
        assertThat(HistoryWindow.fit(newestFirst, 100)).hasSize(6).first().isEqualTo(ChatMessage.user("first q."));
        assertThat(HistoryWindow.fit(newestFirst, 3)).isEmpty();
    }

    @Test
    void anOldExchangeThatWouldFitIsNotSentWithoutTheLargerOnesAfterIt() {
        List<Exchange> newestFirst = List.of(new Exchange("j3", "q", "a"), new Exchange("j2", "x".repeat(400), "a"),
                new Exchange("j1", "q", "a"));

        assertThat(HistoryWindow.fit(newestFirst, 10)).containsExactly(ChatMessage.user("q"), ChatMessage.assistant("a"));
    }

    @Test
    void tokensAreEstimatedAsFourCharactersEachRoundedUp() {
        assertThat(TokenEstimate.of("")).isZero();
        assertThat(TokenEstimate.of(null)).isZero();
        assertThat(TokenEstimate.of("abcd")).isEqualTo(1);
        assertThat(TokenEstimate.of("abcde")).isEqualTo(2);
    }
}
