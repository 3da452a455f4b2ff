package dev.sluice.workers.tokenizer;

import dev.sluice.core.embed.Tokenizer;
import dev.sluice.workers.embed.TokenizerProvider;

/** The bundle's tokenizer: BGE small's WordPiece, read from the model jar's tokenizer.json. */
public final class BgeTokenizerProvider implements TokenizerProvider {

    @Override
    public Tokenizer tokenizer() {
        return BgeTokenizer.shared();
    }
}
