package dev.sluice.workers.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.embed.Embedder;
import dev.sluice.core.embed.TokenSpan;
import dev.sluice.core.embed.Tokenizer;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class InputWindowTest {

    /** What a bundle without a tokenizer (the API's) would give: counting there is a bug. */
    private static final Supplier<Tokenizer> NONE = () -> {
        throw new IllegalStateException("counted a text that fits");
    };

    @Test
    void aTextOfAtMostTheWindowInCharactersIsNotCounted() {
        InputWindow window = new InputWindow("titan", NONE, 20, true);
        assertThatNoException().isThrownBy(() -> window.check(List.of("twenty characters ok", "é ☃ 😀 x")));
    }

    @Test
    void aLongerTextIsCountedAndRefusedOverTheWindowPermanently() {
        InputWindow window = new InputWindow("titan", () -> new WordCount(), 3, true);
        window.check(List.of("one two three"));
        assertThatThrownBy(() -> window.check(List.of("fits", "one two three four")))
                .isInstanceOfSatisfying(RejectedInputException.class, e -> {
                    assertThat(e.index()).isEqualTo(1);
                    assertThat(e.tokens()).isEqualTo(4);
                    assertThat(e.maxTokens()).isEqualTo(3);
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.code()).isEqualTo(Embedder.FAILED);
                })
                .hasMessage("text 1 has about 4 tokens; titan takes at most 3");
    }

    @Test
    void aTextWithNothingATokenizerReadsIsRefusedWithoutCounting() {
        InputWindow window = new InputWindow("bge", NONE, 510, false);
        for (String nothing : List.of("\u0000", "\u0001\u0002\u001f", "\u00a0 \t\n", "\ufffd", "\u200b\u2028",
                "\u0301\u0308")) {
            assertThatThrownBy(() -> window.check(List.of(nothing))).as(nothing)
                    .isInstanceOfSatisfying(RejectedInputException.class, e -> assertThat(e.tokens()).isZero())
                    .hasMessage("text 0 has no tokens to embed");
        }
        assertThatNoException().isThrownBy(() -> window.check(List.of("\u0000.\u0000", "é", "😀", "中")));
    }

    /** Splits on spaces: enough to count with. */
    private static final class WordCount implements Tokenizer {

        @Override
        public List<TokenSpan> tokenize(String text) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int count(String text) {
            return text.isBlank() ? 0 : text.strip().split(" +").length;
        }
    }
}
