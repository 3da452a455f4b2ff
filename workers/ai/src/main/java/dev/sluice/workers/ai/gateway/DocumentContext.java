package dev.sluice.workers.ai.gateway;

import dev.sluice.core.search.SearchHit;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How retrieved chunks travel to a model: ahead of the user's turn, each in a numbered
 * {@code <document>} element inside {@code <documents>} (the layout Anthropic recommends for long
 * context), numbered as the result's {@code citations} are. The offline provider reads them back.
 */
public final class DocumentContext {

    private static final Pattern DOCUMENT = Pattern.compile(
            "<document index=\"(\\d+)\" source=\"[^\"]*\">\\n(.*?)\\n</document>", Pattern.DOTALL);
    private static final String END = "</documents>";

    private DocumentContext() {
    }

    /** {@code prompt} with {@code hits} ahead of it; {@code prompt} alone when there are none. */
    public static String wrap(List<SearchHit> hits, String prompt) {
        if (hits.isEmpty()) {
            return prompt;
        }
        StringBuilder text = new StringBuilder("<documents>\n");
        for (int i = 0; i < hits.size(); i++) {
            SearchHit hit = hits.get(i);
            text.append("<document index=\"").append(i + 1).append("\" source=\"").append(source(hit)).append("\">\n")
                    // A chunk that quotes the markup must not end its element early.
                    .append(hit.text().replace("</document", "<\\/document")).append("\n</document>\n");
        }
        return text.append(END).append("\n\n").append(prompt).toString();
    }

    /** The documents in a user turn {@link #wrap} made, in order; empty when it has none. */
    public static List<String> documents(String turn) {
        List<String> documents = new ArrayList<>();
        int end = turn.startsWith("<documents>") ? turn.indexOf(END) : -1;
        if (end < 0) {
            return documents;
        }
        Matcher m = DOCUMENT.matcher(turn.substring(0, end));
        while (m.find()) {
            documents.add(m.group(2).replace("<\\/document", "</document"));
        }
        return documents;
    }

    /** The user's own words in a turn {@link #wrap} made: what follows the documents. */
    public static String question(String turn) {
        int end = turn.startsWith("<documents>") ? turn.indexOf(END) : -1;
        return end < 0 ? turn : turn.substring(end + END.length()).strip();
    }

    private static String source(SearchHit hit) {
        StringBuilder source = new StringBuilder(hit.key());
        if (hit.page() != null) {
            source.append(", page ").append(hit.page());
        }
        if (!hit.headingPath().isEmpty()) {
            source.append(", ").append(String.join(" > ", hit.headingPath()));
        }
        return source.toString().replace("\"", "'");
    }
}
