package dev.sluice.workers.documents;

import static dev.sluice.workers.tenants.ChunkingOptions.Strategy.FIXED;
import static dev.sluice.workers.tenants.ChunkingOptions.Strategy.RECURSIVE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.documents.DocumentType;
import dev.sluice.core.embed.TokenSpan;
import dev.sluice.core.embed.Tokenizer;
import dev.sluice.workers.tenants.ChunkingOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ChunkerTest {

    private static final int WINDOW = 512;

    private final Tokenizer tokenizer = new WordTokenizer();

    @Test
    void defaultsAreFixedWindowsOf300TokensOverlapping45() {
        assertThat(ChunkingOptions.DEFAULTS).isEqualTo(new ChunkingOptions(FIXED, 300, 45));
    }

    @Test
    void refusesOptionsTheEmbeddingModelCouldNotTakeOrThatCannotProgress() {
        assertThatThrownBy(() -> new Chunker(tokenizer, 256, ChunkingOptions.DEFAULTS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("256");
        assertThat(new Chunker(tokenizer, 300, ChunkingOptions.DEFAULTS)).isNotNull();
        assertThatThrownBy(() -> new ChunkingOptions(FIXED, 100, 100)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ChunkingOptions(FIXED, 100, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ChunkingOptions(FIXED, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ChunkingOptions(null, 100, 10)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fixedCutsWindowsOfMaxTokensEachStartingOverlapTokensBeforeTheLastEnded() {
        ExtractedText document = plain(words(0, 1000));

        List<Chunk> chunks = chunker(FIXED, 100, 15).chunk(document);

        // windows start at 0, 85, 170, ... 935; the last holds the remaining 65 tokens
        assertThat(chunks).hasSize(12);
        assertThat(chunks).extracting(Chunk::ordinal).containsExactlyElementsOf(IntStream.range(0, 12).boxed().toList());
        for (int i = 0; i < chunks.size(); i++) {
            int first = 85 * i;
            int last = Math.min(first + 100, 1000) - 1;
            assertThat(chunks.get(i).text()).isEqualTo(words(first, last + 1));
            assertThat(chunks.get(i).tokens()).isEqualTo(last - first + 1);
        }
        assertWellFormed(document, chunks, 100);
    }

    @Test
    void recursivePrefersParagraphBreaks() {
        List<String> paragraphs = IntStream.range(0, 10).mapToObj(ChunkerTest::paragraph).toList();
        ExtractedText document = plain(String.join("\n\n", paragraphs));

        List<Chunk> recursive = chunker(RECURSIVE, 100, 15).chunk(document);
        List<Chunk> fixed = chunker(FIXED, 100, 15).chunk(document);

        // each paragraph is 40 tokens: two fit in 100, a third would not, and none is short enough to overlap
        assertThat(recursive).extracting(Chunk::text).containsExactlyElementsOf(IntStream.range(0, 5)
                .mapToObj(i -> paragraphs.get(2 * i) + "\n\n" + paragraphs.get(2 * i + 1)).toList());
        // where FIXED, counting blindly, stops halfway through the third paragraph (sentences 8 to 11)
        assertThat(fixed.getFirst().text()).endsWith(paragraphs.get(1) + "\n\n" + sentence(8) + " " + sentence(9));
        assertWellFormed(document, recursive, 100);
    }

    @Test
    void recursiveSplitsAParagraphTooLongForOneChunkAtSentenceEndsAndOverlapsWholeSentences() {
        List<String> sentences = IntStream.range(0, 12).mapToObj(ChunkerTest::sentence).toList();
        ExtractedText document = plain(String.join(" ", sentences));

        List<Chunk> chunks = chunker(RECURSIVE, 50, 15).chunk(document);

        // sentences are 10 tokens: five fill a chunk, and the last one (10 <= 15 tokens) starts the next
        assertThat(chunks).extracting(Chunk::text).containsExactly(
                String.join(" ", sentences.subList(0, 5)),
                String.join(" ", sentences.subList(4, 9)),
                String.join(" ", sentences.subList(8, 12)));
        assertWellFormed(document, chunks, 50);
    }

    @Test
    void recursiveSplitsASentenceTooLongForOneChunkBetweenWords() {
        ExtractedText document = plain(words(0, 130));

        List<Chunk> chunks = chunker(RECURSIVE, 50, 10).chunk(document);

        assertThat(chunks).extracting(Chunk::text).containsExactly(words(0, 50), words(40, 90), words(80, 130));
        assertWellFormed(document, chunks, 50);
    }

    @ParameterizedTest
    @EnumSource(ChunkingOptions.Strategy.class)
    void aWordLongerThanAChunkIsCutBetweenTokensAndEachPieceRecountedOnItsOwn(ChunkingOptions.Strategy strategy) {
        // In context the word is ab|cdef|ghij|klmn|opqr|stuv|wxyz; cut from its start, "klmnopqrstuv" reads
        // kl|mnop|qrst|uv, one token more than in context, so that window has to shrink.
        Tokenizer pieces = new PieceTokenizer();
        ExtractedText document = plain("abcdefghijklmnopqrstuvwxyz");

        List<Chunk> chunks = new Chunker(pieces, WINDOW, new ChunkingOptions(strategy, 3, 0)).chunk(document);

        assertThat(chunks).extracting(Chunk::text).containsExactly("abcdefghij", "klmnopqr", "stuv", "wxyz");
        assertThat(chunks).extracting(Chunk::tokens).containsExactly(3, 3, 2, 2);
        assertWellFormed(document, chunks, 3, pieces);
    }

    @ParameterizedTest
    @EnumSource(ChunkingOptions.Strategy.class)
    void chunksNeverCrossAPageEvenWhenTheWholeDocumentWouldFit(ChunkingOptions.Strategy strategy)
            throws DocumentRejectedException {
        ExtractedText document = new TextExtractor().extract(DocumentType.PDF, Fixtures.bytes("three-pages.pdf"));

        List<Chunk> chunks = chunker(strategy, 300, 45).chunk(document);

        assertThat(chunks).extracting(Chunk::page).containsExactly(1, 2, 3);
        assertThat(chunks.get(1).text()).isEqualTo("Page two: the regional breakdown.\nThe north grew fastest.");
        assertWellFormed(document, chunks, 300);
    }

    @ParameterizedTest
    @EnumSource(ChunkingOptions.Strategy.class)
    void chunksCarryTheHeadingPathOfTheirSection(ChunkingOptions.Strategy strategy) throws DocumentRejectedException {
        ExtractedText document = new TextExtractor().extract(DocumentType.MARKDOWN, Fixtures.bytes("guide.md"));

        List<Chunk> chunks = chunker(strategy, 6, 2).chunk(document);

        Chunk java = chunks.stream().filter(chunk -> chunk.text().contains("Java 21")).findFirst().orElseThrow();
        assertThat(java.headingPath()).containsExactly("User guide", "Installing", "Requirements");
        assertThat(chunks.size()).isGreaterThan(document.sections().size());
        assertWellFormed(document, chunks, 6);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void chunksFiveMegabytesOfTextInOnePass() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; text.length() < 5_000_000; i++) {
            text.append(paragraph(i)).append("\n\n");
        }
        ExtractedText document = plain(text.toString());
        int total = tokenizer.count(document.text());

        List<Chunk> fixed = new Chunker(tokenizer, WINDOW, ChunkingOptions.DEFAULTS).chunk(document);
        List<Chunk> recursive = chunker(RECURSIVE, 300, 45).chunk(document);

        assertThat(fixed.size()).isEqualTo(1 + (int) Math.ceil((total - 300) / 255.0));
        assertThat(fixed.subList(0, fixed.size() - 1).stream().allMatch(chunk -> chunk.tokens() == 300)).isTrue();
        assertWellFormed(document, fixed, 300);
        // 40-token paragraphs merge seven to a chunk (an eighth would make 320 tokens) and the last of them,
        // within the 45-token overlap, opens the next chunk: chunks start every six paragraphs
        int paragraphs = total / 40;
        assertThat(recursive.size()).isEqualTo(1 + (int) Math.ceil((paragraphs - 7) / 6.0));
        assertWellFormed(document, recursive, 300);
    }

    private Chunker chunker(ChunkingOptions.Strategy strategy, int maxTokens, int overlapTokens) {
        return new Chunker(tokenizer, WINDOW, new ChunkingOptions(strategy, maxTokens, overlapTokens));
    }

    private void assertWellFormed(ExtractedText document, List<Chunk> chunks, int maxTokens) {
        assertWellFormed(document, chunks, maxTokens, tokenizer);
    }

    /**
     * Ordinals count from 0; each chunk's text is its span of the document, within one section and carrying
     * its page and headings, and no longer than allowed when counted afresh; every visible character is kept.
     */
    private static void assertWellFormed(ExtractedText document, List<Chunk> chunks, int maxTokens,
            Tokenizer tokenizer) {
        boolean[] covered = new boolean[document.text().length()];
        for (int i = 0; i < chunks.size(); i++) {
            Chunk chunk = chunks.get(i);
            assertThat(chunk.ordinal()).isEqualTo(i);
            assertThat(chunk.text()).isEqualTo(document.text().substring(chunk.start(), chunk.end())).isNotBlank();
            assertThat(chunk.tokens()).isEqualTo(tokenizer.count(chunk.text())).isLessThanOrEqualTo(maxTokens);
            Section section = document.sections().stream()
                    .filter(s -> s.start() <= chunk.start() && chunk.end() <= s.end())
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("chunk " + chunk.ordinal() + " crosses a section"));
            assertThat(chunk.page()).isEqualTo(section.page());
            assertThat(chunk.headingPath()).isEqualTo(section.headingPath());
            if (i > 0) {
                assertThat(chunk.start()).isGreaterThan(chunks.get(i - 1).start());
            }
            for (int c = chunk.start(); c < chunk.end(); c++) {
                covered[c] = true;
            }
        }
        for (int c = 0; c < covered.length; c++) {
            if (!covered[c] && !Character.isWhitespace(document.text().charAt(c))) {
                throw new AssertionError("character " + c + " ('" + document.text().charAt(c) + "') is in no chunk");
            }
        }
    }

    private static ExtractedText plain(String text) {
        return new ExtractedText(text, List.of(new Section(0, text.length(), null, List.of())));
    }

    /** "w{from} w{from+1} ... w{to-1}": one token a word. */
    private static String words(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> "w" + i).collect(Collectors.joining(" "));
    }

    /** Ten tokens: nine words and the full stop. */
    private static String sentence(int n) {
        return "Sentence number " + n + " has exactly ten tokens in it.";
    }

    /** Forty tokens: four sentences. */
    private static String paragraph(int n) {
        return IntStream.range(0, 4).mapToObj(i -> sentence(n * 4 + i)).collect(Collectors.joining(" "));
    }

    /**
     * A WordPiece-like tokenizer whose count depends on where a word starts: a word's first piece is two
     * characters, each following piece four.
     */
    private static final class PieceTokenizer implements Tokenizer {

        @Override
        public List<TokenSpan> tokenize(String text) {
            List<TokenSpan> tokens = new ArrayList<>();
            int i = 0;
            while (i < text.length()) {
                if (Character.isWhitespace(text.charAt(i))) {
                    i++;
                    continue;
                }
                int end = i;
                while (end < text.length() && !Character.isWhitespace(text.charAt(end))) {
                    end++;
                }
                int piece = 2;
                for (int start = i; start < end; start += piece, piece = 4) {
                    tokens.add(new TokenSpan(start, Math.min(start + piece, end)));
                }
                i = end;
            }
            return tokens;
        }
    }
}
