package dev.sluice.workers.embed;

import dev.sluice.core.embed.Tokenizer;

/**
 * The tokenizer that inputs are counted with (BGE small's WordPiece), where the bundle carries it:
 * found with {@link java.util.ServiceLoader}, so the bundles that never count a token (the API's)
 * ship neither it nor its native library.
 */
public interface TokenizerProvider {

    /** The one tokenizer of this JVM, loaded on first use. */
    Tokenizer tokenizer();
}
