package dev.sluice.workers.documents;

import dev.sluice.core.embed.Tokenizer;
import dev.sluice.workers.tenants.ChunkingOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * The Chunk step: cuts an extracted document into chunks the embedding model accepts whole. Chunks never
 * cross a section, so each has one page and one heading path; no non-whitespace character is ever left
 * out; no chunk exceeds {@link ChunkingOptions#maxTokens()} as the tokenizer counts the chunk's own text;
 * chunks begin and end between words (only a word longer than a whole chunk is cut between its tokens);
 * and none is shorter than {@link #minTokens(ChunkingOptions)} unless its whole section is, since a chunk
 * of one word or one full stop matches queries on nothing but noise.
 */
public final class Chunker {

    private final Tokenizer tokenizer;
    private final ChunkingOptions options;
    private final int minTokens;
    private final RecursiveSplitter recursive;

    /**
     * @param windowTokens the most tokens the embedding model takes in one input; a larger
     *                     {@code maxTokens} would make it refuse chunks
     */
    public Chunker(Tokenizer tokenizer, int windowTokens, ChunkingOptions options) {
        if (options.maxTokens() > windowTokens) {
            throw new IllegalArgumentException("maxTokens " + options.maxTokens()
                    + " exceeds the embedding model's window of " + windowTokens + " tokens");
        }
        this.tokenizer = tokenizer;
        this.options = options;
        this.minTokens = minTokens(options);
        this.recursive = new RecursiveSplitter(options.maxTokens(), options.overlapTokens());
    }

    /** A quarter of {@code maxTokens}: 75 tokens for the default 300. */
    public static int minTokens(ChunkingOptions options) {
        return options.maxTokens() / 4;
    }

    public List<Chunk> chunk(ExtractedText document) {
        List<Chunk> chunks = new ArrayList<>();
        for (Section section : document.sections()) {
            SectionTokens tokens = SectionTokens.of(tokenizer, document.text(), section);
            List<TokenRange> plan = switch (options.strategy()) {
                case FIXED -> TokenWindows.cut(new TokenRange(0, tokens.count()), options.maxTokens(),
                        options.overlapTokens(), tokens);
                case RECURSIVE -> recursive.split(document.text(), tokens);
            };
            List<Counted> fitted = fit(document.text(), tokens, plan);
            if (tokens.count() >= minTokens) {
                grow(document.text(), tokens, fitted);
            }
            for (Counted counted : fitted) {
                Piece piece = piece(document.text(), tokens, counted.range());
                if (!piece.text().isEmpty()) {
                    chunks.add(new Chunk(chunks.size(), piece.start(), piece.end(), section.page(),
                            section.headingPath(), piece.text(), counted.tokens()));
                }
            }
        }
        return chunks;
    }

    /**
     * The planned ranges, each shortened until its text fits. A tokenizer need not count a piece's text
     * as it counted those tokens in context (WordPiece re-reads a word cut in two as a new word), so the
     * text is counted again and, if it came out too long, shortened by whole words. What was cut off is
     * dropped when the next planned range starts at or before it (it lies in that range's overlap), and
     * otherwise becomes a range of its own.
     */
    private List<Counted> fit(String text, SectionTokens tokens, List<TokenRange> plan) {
        List<Counted> fitted = new ArrayList<>(plan.size());
        for (int i = 0; i < plan.size(); i++) {
            TokenRange range = plan.get(i);
            int nextFrom = i + 1 < plan.size() ? plan.get(i + 1).from() : Integer.MAX_VALUE;
            int from = range.from();
            while (true) {
                int to = range.to();
                int count;
                while ((count = tokenizer.count(piece(text, tokens, new TokenRange(from, to)).text()))
                        > options.maxTokens()) {
                    if (to - from == 1) {
                        throw new IllegalStateException("the tokenizer counts the single token '"
                                + piece(text, tokens, new TokenRange(from, to)).text() + "' as " + count
                                + " tokens, more than maxTokens " + options.maxTokens());
                    }
                    int wordEnd = tokens.wordStartAtOrBefore(to - 1, from);
                    to = wordEnd > from ? wordEnd : Math.max(from + 1, to - (count - options.maxTokens()));
                }
                fitted.add(new Counted(new TokenRange(from, to), count));
                if (to == range.to() || nextFrom <= to) {
                    break;
                }
                from = to;
            }
        }
        return fitted;
    }

    /**
     * Widens every range under {@link #minTokens} by whole words, into the text before it (staying after
     * the previous range's start, so chunks keep their order) and then after it, never past
     * {@code maxTokens}: a short tail or a short paragraph between two long ones overlaps its neighbours
     * instead of standing alone.
     */
    private void grow(String text, SectionTokens tokens, List<Counted> ranges) {
        for (int i = 0; i < ranges.size(); i++) {
            Counted counted = ranges.get(i);
            int floor = i == 0 ? 0 : ranges.get(i - 1).range().from() + 1;
            while (counted.tokens() < minTokens && counted.range().from() > floor) {
                int earlier = tokens.wordStartAtOrBefore(counted.range().from() - 1, floor - 1);
                Counted wider = earlier < floor ? null
                        : fitting(text, tokens, new TokenRange(earlier, counted.range().to()));
                if (wider == null) {
                    break;
                }
                counted = wider;
            }
            while (counted.tokens() < minTokens && counted.range().to() < tokens.count()) {
                int later = tokens.wordStartAtOrAfter(counted.range().to() + 1, tokens.count());
                Counted wider = fitting(text, tokens, new TokenRange(counted.range().from(), later));
                if (wider == null) {
                    break;
                }
                counted = wider;
            }
            ranges.set(i, counted);
        }
    }

    /** The range with its count, if it fits in {@code maxTokens}; else null. */
    private Counted fitting(String text, SectionTokens tokens, TokenRange range) {
        if (range.size() > options.maxTokens()) {
            return null;
        }
        int count = tokenizer.count(piece(text, tokens, range).text());
        return count <= options.maxTokens() ? new Counted(range, count) : null;
    }

    /** A range of tokens with the count of its own text. */
    private record Counted(TokenRange range, int tokens) {
    }

    /** Characters {@code [start, end)} of the text: the range's tokens, surrounding whitespace left out. */
    private record Piece(int start, int end, String text) {
    }

    private static Piece piece(String text, SectionTokens tokens, TokenRange range) {
        int start = tokens.charStart(range.from());
        int end = tokens.charEnd(range.to());
        while (start < end && Character.isWhitespace(text.charAt(start))) {
            start++;
        }
        while (end > start && Character.isWhitespace(text.charAt(end - 1))) {
            end--;
        }
        return new Piece(start, end, text.substring(start, end));
    }
}
