package dev.sluice.workers.documents;

import dev.sluice.core.embed.Tokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * The Chunk step: cuts an extracted document into chunks the embedding model accepts whole. Chunks never
 * cross a section, so each has one page and one heading path; they are cut between tokens of the model's
 * own tokenizer; no non-whitespace character is ever left out; and no chunk exceeds
 * {@link ChunkingOptions#maxTokens()} as the tokenizer counts the chunk's own text.
 */
public final class Chunker {

    private final Tokenizer tokenizer;
    private final ChunkingOptions options;
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
        this.recursive = new RecursiveSplitter(options.maxTokens(), options.overlapTokens());
    }

    public List<Chunk> chunk(ExtractedText document) {
        List<Chunk> chunks = new ArrayList<>();
        for (Section section : document.sections()) {
            SectionTokens tokens = SectionTokens.of(tokenizer, document.text(), section);
            List<TokenRange> plan = switch (options.strategy()) {
                case FIXED -> TokenWindows.cut(new TokenRange(0, tokens.count()), options.maxTokens(),
                        options.overlapTokens());
                case RECURSIVE -> recursive.split(document.text(), tokens);
            };
            for (TokenRange range : plan) {
                emit(document.text(), section, tokens, range, chunks);
            }
        }
        return chunks;
    }

    /**
     * Adds the chunk for {@code range}. A tokenizer need not count a piece's text as it counted those tokens
     * in context (WordPiece re-reads a word cut in two as a new word), so the text is counted again and,
     * if it came out too long, shortened and the rest made a chunk of its own.
     */
    private void emit(String text, Section section, SectionTokens tokens, TokenRange range, List<Chunk> chunks) {
        int from = range.from();
        do {
            int to = range.to();
            while (true) {
                int start = tokens.charStart(from);
                int end = tokens.charEnd(to);
                while (start < end && Character.isWhitespace(text.charAt(start))) {
                    start++;
                }
                while (end > start && Character.isWhitespace(text.charAt(end - 1))) {
                    end--;
                }
                String piece = text.substring(start, end);
                int count = tokenizer.count(piece);
                if (count <= options.maxTokens()) {
                    if (!piece.isEmpty()) {
                        chunks.add(new Chunk(chunks.size(), start, end, section.page(), section.headingPath(),
                                piece, count));
                    }
                    break;
                }
                if (to - from == 1) {
                    throw new IllegalStateException("the tokenizer counts the single token '" + piece + "' as "
                            + count + " tokens, more than maxTokens " + options.maxTokens());
                }
                to = Math.max(from + 1, to - (count - options.maxTokens()));
            }
            from = to;
        } while (from < range.to());
    }
}
