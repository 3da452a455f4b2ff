package dev.sluice.workers.ai;

import dev.sluice.core.ai.ChatModel;
import dev.sluice.core.ai.ChatReply;
import dev.sluice.core.ai.ChatRequest;
import dev.sluice.core.ai.TokenUsage;

/**
 * The local stand-in for a chat model. No generative model ships in any package reachable here, so
 * it does not pretend: it answers with a labelled, deterministic digest of the input (its first
 * sentence and its size), and says {@code generative: false}. CHAT_MODEL=bedrock or openai names a real one.
 */
public final class OfflineChatModel implements ChatModel {

    public static final String PROVIDER = "sluice-offline";
    public static final String MODEL = "offline-digest-1";

    @Override
    public ChatReply reply(ChatRequest request) {
        String input = request.input().strip();
        String[] words = input.isEmpty() ? new String[0] : input.split("\\s+");
        int end = firstSentenceEnd(input);
        String firstSentence = input.substring(0, end).strip();
        String text = "[offline local provider, not a generative model] received "
                + words.length + " words. It begins: \"" + firstSentence + "\"";
        return new ChatReply(text, PROVIDER, MODEL, false, new TokenUsage(words.length, text.split("\\s+").length, 0, 0),
                "end_turn", null, 0);
    }

    private static int firstSentenceEnd(String input) {
        int limit = Math.min(input.length(), 200);
        for (int i = 0; i < limit; i++) {
            char c = input.charAt(i);
            if ((c == '.' || c == '?' || c == '!') && (i + 1 == input.length() || Character.isWhitespace(input.charAt(i + 1)))) {
                return i + 1;
            }
        }
        return limit;
    }
}
