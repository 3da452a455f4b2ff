package dev.sluice.workers.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.embed.TokenSpan;
import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class BgeTokenizerTest {

    private final BgeTokenizer tokenizer = BgeTokenizer.shared();

    @Test
    void splitsAKnownSentenceAsBertWordPieceDoes() {
        // BERT's uncased vocabulary, worked by hand: lowercase, strip accents (café → cafe), split off
        // punctuation (' . ,), then greedy longest-match WordPiece with ## for word-internal pieces.
        String text = "Tokenizers don't split CAFÉ, but they do split unaffable words.";
        assertThat(tokenizer.tokenStrings(text)).containsExactly("token", "##izer", "##s", "don", "'", "t",
                "split", "cafe", ",", "but", "they", "do", "split", "una", "##ffa", "##ble", "words", ".");
        assertThat(tokenizer.count(text)).isEqualTo(18);
        assertThat(tokenizer.tokenize(text)).hasSize(18);
    }

    @Test
    void offsetsPointBackIntoTheOriginalText() {
        String text = "Zoë's naïve café — ÜBER-fast 😀 résumé, x²; 日本語 and emojis 🚀🚀 end.";
        List<TokenSpan> spans = tokenizer.tokenize(text);
        List<String> tokens = tokenizer.tokenStrings(text);
        assertThat(spans).hasSameSizeAs(tokens);
        int previousEnd = 0;
        for (int i = 0; i < spans.size(); i++) {
            TokenSpan span = spans.get(i);
            assertThat(span.start()).isGreaterThanOrEqualTo(previousEnd);
            assertThat(span.end()).isGreaterThan(span.start());
            String token = tokens.get(i);
            String piece = text.substring(span.start(), span.end());
            if (token.equals("[UNK]")) {
                assertThat(piece.codePoints().anyMatch(Character::isSupplementaryCodePoint)).as(piece).isTrue();
            } else {
                assertThat(normalized(piece)).as("token %d", i).isEqualTo(token.replaceFirst("^##", ""));
            }
            previousEnd = span.end();
        }
        // The emojis lie outside the BMP: each is two UTF-16 units, and the spans after them still line up.
        assertThat(text.substring(spans.getLast().start(), spans.getLast().end())).isEqualTo(".");
        assertThat(tokens).contains("[UNK]");
    }

    @Test
    void leavesOutClsAndSep() {
        assertThat(tokenizer.tokenStrings("hello")).containsExactly("hello");
        assertThat(tokenizer.tokenize("hello")).containsExactly(new TokenSpan(0, 5));
        assertThat(tokenizer.count("   ")).isZero();
    }

    @Test
    void countsPastTheModelWindowWithoutTruncating() {
        String text = "lorem ipsum ".repeat(400);
        // "lorem" → lore ##m and "ipsum" → ip ##sum in this vocabulary: four tokens a repetition.
        assertThat(tokenizer.count(text)).isEqualTo(1600);
    }

    private static String normalized(String piece) {
        String lower = piece.toLowerCase(Locale.ROOT);
        return Normalizer.normalize(lower, Normalizer.Form.NFD).replaceAll("\\p{Mn}", "");
    }
}
