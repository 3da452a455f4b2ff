package dev.sluice.workers.ai;

import dev.sluice.core.ai.ChatMessage;
import dev.sluice.core.ai.ChatModel;
import dev.sluice.core.ai.ChatReply;
import dev.sluice.core.ai.ChatRequest;
import dev.sluice.core.ai.TokenUsage;
import dev.sluice.workers.ai.gateway.DocumentContext;
import dev.sluice.workers.ai.history.TokenEstimate;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The local stand-in for a chat model. No generative model ships in any package reachable here, so
 * it does not pretend: it answers extractively, quoting the sentences of the documents given with the
 * request (useDocuments) that share the most words with the question, each with its document's
 * number, and says plainly that it is not a generative model. Without documents it says there is
 * nothing to quote from and describes what it received. Token counts are estimates (chars / 4).
 * CHAT_MODEL=bedrock or openai names a real one.
 */
public final class OfflineChatModel implements ChatModel {

    public static final String PROVIDER = "sluice-offline";
    public static final String MODEL = "offline-extractive-1";
    static final String LABEL = "[offline local provider, not a generative model]";
    /** Sentences quoted at most. */
    static final int QUOTES = 3;
    private static final Set<String> STOP_WORDS = Set.of("the", "and", "for", "are", "but", "not", "you", "all",
            "any", "can", "her", "was", "one", "our", "out", "has", "had", "his", "how", "its", "may", "who", "did",
            "get", "let", "say", "she", "too", "use", "that", "with", "have", "this", "will", "your", "from", "they",
            "them", "then", "than", "what", "when", "where", "which", "there", "their", "about", "would", "could",
            "should", "into", "does", "also", "some", "more", "most", "such", "only", "over", "very");

    @Override
    public ChatReply reply(ChatRequest request) {
        String turn = request.input();
        List<String> documents = DocumentContext.documents(turn);
        String question = DocumentContext.question(turn).strip();
        String text = documents.isEmpty() ? withoutDocuments(question) : quoted(question, documents);
        int input = TokenEstimate.of(request.system());
        for (ChatMessage m : request.messages()) {
            input += TokenEstimate.of(m.text());
        }
        return new ChatReply(text, PROVIDER, MODEL, false, new TokenUsage(input, TokenEstimate.of(text), 0, 0),
                "end_turn", null, 0);
    }

    private static String withoutDocuments(String question) {
        String[] words = question.isEmpty() ? new String[0] : question.split("\\s+");
        List<String> sentences = sentences(question);
        String first = sentences.isEmpty() ? "" : sentences.get(0);
        if (first.length() > 200) {
            first = first.substring(0, 200);
        }
        return LABEL + " No documents were given with this request, so there is nothing to quote from"
                + " (submit it with useDocuments to answer from your documents); received " + words.length
                + " words. It begins: \"" + first + "\"";
    }

    private static String quoted(String question, List<String> documents) {
        Set<String> asked = terms(question);
        List<Candidate> candidates = new ArrayList<>();
        for (int d = 0; d < documents.size(); d++) {
            List<String> sentences = sentences(documents.get(d));
            for (int s = 0; s < sentences.size(); s++) {
                Set<String> terms = terms(sentences.get(s));
                terms.retainAll(asked);
                candidates.add(new Candidate(d + 1, s, sentences.get(s), terms.size()));
            }
        }
        List<Candidate> best = candidates.stream().filter(c -> c.shared() > 0)
                .sorted(Comparator.comparingInt(Candidate::shared).reversed()
                        .thenComparingInt(Candidate::document).thenComparingInt(Candidate::sentence))
                .limit(QUOTES).toList();
        StringBuilder text = new StringBuilder(LABEL);
        if (best.isEmpty()) {
            text.append(" None of the ").append(documents.size()).append(" documents given shares a word with the"
                    + " question; the first one begins:");
            best = candidates.stream().limit(1).toList();
        } else {
            text.append(" The sentences of the documents given that best match the question:");
        }
        for (Candidate c : best) {
            text.append("\n\"").append(c.text()).append("\" [").append(c.document()).append(']');
        }
        return text.toString();
    }

    private record Candidate(int document, int sentence, String text, int shared) {
    }

    private static List<String> sentences(String text) {
        BreakIterator it = BreakIterator.getSentenceInstance(Locale.ENGLISH);
        it.setText(text);
        List<String> sentences = new ArrayList<>();
        for (int start = it.first(), end = it.next(); end != BreakIterator.DONE; start = end, end = it.next()) {
            String sentence = text.substring(start, end).strip().replaceAll("\\s+", " ");
            if (!sentence.isEmpty()) {
                sentences.add(sentence);
            }
        }
        return sentences;
    }

    private static Set<String> terms(String text) {
        Set<String> terms = new HashSet<>();
        for (String word : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (word.length() > 2 && !STOP_WORDS.contains(word)) {
                terms.add(word);
            }
        }
        return terms;
    }
}
