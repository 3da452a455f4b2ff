package dev.sluice.core.embed;

import java.util.List;

/** An embedding model's own tokenizer: chunk sizes are counted in the tokens the model will see. */
public interface Tokenizer {

    /** The tokens of {@code text}, special tokens ({@code [CLS]}, {@code [SEP]}) left out, in order. */
    List<TokenSpan> tokenize(String text);

    default int count(String text) {
        return tokenize(text).size();
    }
}
