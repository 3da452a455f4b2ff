package dev.sluice.workers.embed;

import dev.sluice.core.embed.Tokenizer;
import java.util.List;
import java.util.function.Supplier;

/**
 * A model's input window: the tokenizer its inputs are counted with and how many tokens fit. The
 * chunker sizes chunks by it, and every text is checked against it before it reaches the model: a
 * text over it is refused, never truncated (both langchain4j and Bedrock would cut it silently),
 * and one with nothing to read has nothing to embed. Either is permanent: the same text fails the
 * same way ({@link RejectedInputException}).
 *
 * <p>A token spans at least one character, so a text of at most {@code maxTokens} UTF-16 units
 * fits without counting: only longer texts load the tokenizer, and a query never does.
 *
 * @param estimated the tokenizer is not the model's own, so counts are approximate
 */
public record InputWindow(String modelId, Supplier<Tokenizer> counter, int maxTokens, boolean estimated) {

    public Tokenizer tokenizer() {
        return counter.get();
    }

    public void check(List<String> texts) {
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i);
            if (!readable(text)) {
                throw new RejectedInputException(modelId, i, 0, maxTokens, estimated);
            }
            if (text.length() > maxTokens) {
                int tokens = counter.get().count(text);
                if (tokens > maxTokens || tokens == 0) {
                    throw new RejectedInputException(modelId, i, tokens, maxTokens, estimated);
                }
            }
        }
    }

    /**
     * Whether {@code text} holds a character a BERT tokenizer keeps: it drops whitespace, control,
     * format, private-use and unassigned characters, U+FFFD and (stripping accents) combining marks.
     */
    static boolean readable(String text) {
        return text.codePoints().anyMatch(c -> c != 0xFFFD && switch (Character.getType(c)) {
            case Character.CONTROL, Character.FORMAT, Character.PRIVATE_USE, Character.SURROGATE,
                    Character.UNASSIGNED, Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR,
                    Character.PARAGRAPH_SEPARATOR, Character.NON_SPACING_MARK -> false;
            default -> true;
        });
    }
}
