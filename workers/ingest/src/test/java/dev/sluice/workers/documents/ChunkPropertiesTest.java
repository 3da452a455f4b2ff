package dev.sluice.workers.documents;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.documents.DocumentType;
import dev.sluice.core.embed.Tokenizer;
import dev.sluice.workers.tenants.ChunkingOptions;
import dev.sluice.workers.tokenizer.BgeTokenizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What every chunk of real text satisfies, for both strategies over many sizes and overlaps, counted by
 * the embedding model's own tokenizer: every visible character lands in a chunk, no chunk exceeds
 * {@code maxTokens}, none is under the minimum unless its whole section is, and none starts or ends
 * inside a word unless that word is longer than a whole chunk.
 */
class ChunkPropertiesTest {

    private static final int WINDOW = 512;
    private static final int[] SIZES = {8, 13, 32, 100, 300};
    private static final int[] OVERLAP_PERCENTS = {0, 15, 50};

    private final Tokenizer tokenizer = BgeTokenizer.shared();

    @Test
    void everyChunkOfRealTextKeepsTheRules() throws DocumentRejectedException {
        TextExtractor extractor = new TextExtractor();
        Map<String, ExtractedText> documents = Map.of(
                "apache-license-2.0.txt", extractor.extract(DocumentType.TEXT, Fixtures.bytes("apache-license-2.0.txt")),
                "notes.txt", extractor.extract(DocumentType.TEXT, Fixtures.bytes("notes.txt")),
                "guide.md", extractor.extract(DocumentType.MARKDOWN, Fixtures.bytes("guide.md")),
                "page.html", extractor.extract(DocumentType.HTML, Fixtures.bytes("page.html")),
                "three-pages.pdf", extractor.extract(DocumentType.PDF, Fixtures.bytes("three-pages.pdf")));
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (ChunkingOptions.Strategy strategy : ChunkingOptions.Strategy.values()) {
            for (int size : SIZES) {
                for (int percent : OVERLAP_PERCENTS) {
                    ChunkingOptions options = new ChunkingOptions(strategy, size, size * percent / 100);
                    Chunker chunker = new Chunker(tokenizer, WINDOW, options);
                    for (var document : documents.entrySet()) {
                        List<Chunk> chunks = chunker.chunk(document.getValue());
                        checked += chunks.size();
                        check(document.getValue(), chunks, options).forEach(problem -> broken.add(document.getKey()
                                + " " + options + ": " + problem));
                    }
                }
            }
        }
        assertThat(checked).isGreaterThan(3_000);
        assertThat(broken).as("broken rules, of %d chunks", checked).isEmpty();
    }

    @Test
    void theMinimumIsAQuarterOfTheChunkSize() {
        assertThat(Chunker.minTokens(ChunkingOptions.DEFAULTS)).isEqualTo(75);
    }

    private List<String> check(ExtractedText document, List<Chunk> chunks, ChunkingOptions options) {
        List<String> problems = new ArrayList<>();
        String text = document.text();
        int min = Chunker.minTokens(options);
        Map<Section, Integer> sectionTokens = new HashMap<>();
        boolean[] covered = new boolean[text.length()];
        for (Chunk chunk : chunks) {
            Section section = document.sections().stream()
                    .filter(s -> s.start() <= chunk.start() && chunk.end() <= s.end()).findFirst().orElse(null);
            if (section == null) {
                problems.add("chunk " + chunk.ordinal() + " crosses a section");
                continue;
            }
            int tokens = tokenizer.count(chunk.text());
            if (tokens > options.maxTokens()) {
                problems.add("chunk " + chunk.ordinal() + " has " + tokens + " tokens");
            }
            if (tokens < min && sectionTokens.computeIfAbsent(section,
                    s -> tokenizer.count(text.substring(s.start(), s.end()))) >= min) {
                problems.add("chunk " + chunk.ordinal() + " has " + tokens + " tokens, under " + min + ": '"
                        + chunk.text() + "'");
            }
            if (chunk.start() > section.start() && insideAWordThatFits(text, chunk.start(), options)) {
                problems.add("chunk " + chunk.ordinal() + " starts inside a word: '" + around(text, chunk.start()) + "'");
            }
            if (chunk.end() < section.end() && insideAWordThatFits(text, chunk.end(), options)) {
                problems.add("chunk " + chunk.ordinal() + " ends inside a word: '" + around(text, chunk.end()) + "'");
            }
            for (int c = chunk.start(); c < chunk.end(); c++) {
                covered[c] = true;
            }
        }
        for (int c = 0; c < covered.length; c++) {
            if (!covered[c] && !Character.isWhitespace(text.charAt(c))) {
                problems.add("character " + c + " is in no chunk: '" + around(text, c) + "'");
                break;
            }
        }
        return problems;
    }

    /** Whether a cut before {@code at} falls inside a run of non-whitespace no longer than a chunk. */
    private boolean insideAWordThatFits(String text, int at, ChunkingOptions options) {
        if (Character.isWhitespace(text.charAt(at - 1)) || Character.isWhitespace(text.charAt(at))) {
            return false;
        }
        int start = at;
        while (start > 0 && !Character.isWhitespace(text.charAt(start - 1))) {
            start--;
        }
        int end = at;
        while (end < text.length() && !Character.isWhitespace(text.charAt(end))) {
            end++;
        }
        return tokenizer.count(text.substring(start, end)) <= options.maxTokens();
    }

    private static String around(String text, int at) {
        return text.substring(Math.max(0, at - 15), at) + "|" + text.substring(at, Math.min(text.length(), at + 15));
    }
}
