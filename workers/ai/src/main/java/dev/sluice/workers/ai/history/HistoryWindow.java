package dev.sluice.workers.ai.history;

import dev.sluice.core.ai.ChatMessage;
import java.util.ArrayList;
import java.util.List;

/** The part of a session's history that fits a token budget: the newest exchanges, whole, the oldest dropped first. */
public final class HistoryWindow {

    private HistoryWindow() {
    }

    /** {@code newestFirst} cut to {@code tokenBudget}, as turns in the order they happened. */
    public static List<ChatMessage> fit(List<ConversationHistory.Exchange> newestFirst, int tokenBudget) {
        List<ConversationHistory.Exchange> kept = new ArrayList<>();
        int used = 0;
        for (ConversationHistory.Exchange exchange : newestFirst) {
            int tokens = TokenEstimate.of(exchange.user()) + TokenEstimate.of(exchange.assistant());
            if (used + tokens > tokenBudget) {
                // An older turn without the ones after it would make no sense to the model: stop here.
                break;
            }
            used += tokens;
            kept.add(exchange);
        }
        List<ChatMessage> messages = new ArrayList<>(2 * kept.size());
        for (int i = kept.size() - 1; i >= 0; i--) {
            messages.add(ChatMessage.user(kept.get(i).user()));
            messages.add(ChatMessage.assistant(kept.get(i).assistant()));
        }
        return messages;
    }
}
