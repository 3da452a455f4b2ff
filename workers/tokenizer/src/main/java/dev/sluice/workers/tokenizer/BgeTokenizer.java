package dev.sluice.workers.tokenizer;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import dev.sluice.core.embed.Embedder;
import dev.sluice.core.embed.TokenSpan;
import dev.sluice.core.embed.Tokenizer;
import dev.sluice.core.failure.PortFailure;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * BGE small en v1.5's own BERT WordPiece tokenizer, read from the {@code tokenizer.json} inside the
 * langchain4j model jar and run by DJL's HuggingFace tokenizer, the same one langchain4j feeds the
 * model with, so a count here is the count the model sees.
 *
 * <p>DJL bundles its native library for linux-x86_64 (and aarch64, macOS, Windows) and unpacks it
 * into {@code ~/.djl.ai}, or {@code java.io.tmpdir} when the home directory is not writable (Lambda),
 * or {@code DJL_CACHE_DIR}: nothing is downloaded.
 */
public final class BgeTokenizer implements Tokenizer {

    static final String TOKENIZER_RESOURCE = "/bge-small-en-v1.5-q-tokenizer.json";

    private static volatile BgeTokenizer shared;

    private final HuggingFaceTokenizer tokenizer;

    private BgeTokenizer(HuggingFaceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** The one instance of this JVM, loaded on first use: the native tokenizer holds the 30k vocabulary. */
    public static BgeTokenizer shared() {
        BgeTokenizer local = shared;
        if (local == null) {
            synchronized (BgeTokenizer.class) {
                local = shared;
                if (local == null) {
                    local = load();
                    shared = local;
                }
            }
        }
        return local;
    }

    private static BgeTokenizer load() {
        try (InputStream json = BgeTokenizer.class.getResourceAsStream(TOKENIZER_RESOURCE)) {
            if (json == null) {
                throw PortFailure.permanent(Embedder.FAILED, TOKENIZER_RESOURCE + " is not on the classpath", null);
            }
            // [CLS]/[SEP] are the model's business, not the text's: the Tokenizer port leaves them out.
            // DJL truncates to 512 tokens unless told not to: an over-long text must keep every token to be refused.
            return new BgeTokenizer(HuggingFaceTokenizer.newInstance(json,
                    Map.of("addSpecialTokens", "false", "truncation", "false")));
        } catch (IOException e) {
            throw PortFailure.permanent(Embedder.FAILED, "cannot read " + TOKENIZER_RESOURCE + ": " + e.getMessage(),
                    e);
        }
    }

    @Override
    public List<TokenSpan> tokenize(String text) {
        Encoding encoding = tokenizer.encode(text);
        CharSpan[] spans = encoding.getCharTokenSpans();
        List<TokenSpan> tokens = new ArrayList<>(spans.length);
        // The Rust tokenizer counts code points; Java strings index UTF-16 units. They part ways
        // after the first character outside the BMP (an emoji), so map only when there is one.
        int[] utf16 = text.codePoints().count() == text.length() ? null : utf16Offsets(text);
        for (CharSpan span : spans) {
            tokens.add(utf16 == null
                    ? new TokenSpan(span.getStart(), span.getEnd())
                    : new TokenSpan(utf16[span.getStart()], utf16[span.getEnd()]));
        }
        return tokens;
    }

    /** The UTF-16 index of every code point of {@code text}, and of its end. */
    private static int[] utf16Offsets(String text) {
        int[] offsets = new int[text.codePointCount(0, text.length()) + 1];
        int index = 0;
        for (int i = 0; i < offsets.length - 1; i++) {
            offsets[i] = index;
            index += Character.charCount(text.codePointAt(index));
        }
        offsets[offsets.length - 1] = text.length();
        return offsets;
    }

    @Override
    public int count(String text) {
        return tokenizer.encode(text).getIds().length;
    }

    /** The WordPiece tokens themselves ({@code "##"} marks a continuation), for tests and diagnostics. */
    List<String> tokenStrings(String text) {
        return List.of(tokenizer.encode(text).getTokens());
    }
}
