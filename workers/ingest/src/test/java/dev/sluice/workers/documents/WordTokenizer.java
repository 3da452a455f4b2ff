package dev.sluice.workers.documents;

import dev.sluice.core.embed.TokenSpan;
import dev.sluice.core.embed.Tokenizer;
import java.util.ArrayList;
import java.util.List;

/** A stand-in for the model's tokenizer: one token per run of letters and digits and per other visible character. */
final class WordTokenizer implements Tokenizer {

    @Override
    public List<TokenSpan> tokenize(String text) {
        List<TokenSpan> tokens = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (Character.isLetterOrDigit(c)) {
                int start = i;
                while (i < text.length() && Character.isLetterOrDigit(text.charAt(i))) {
                    i++;
                }
                tokens.add(new TokenSpan(start, i));
            } else {
                tokens.add(new TokenSpan(i, ++i));
            }
        }
        return tokens;
    }
}
