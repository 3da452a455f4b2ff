package dev.sluice.workers.documents;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The RECURSIVE strategy, LangChain's RecursiveCharacterTextSplitter measured in tokens: a run of tokens
 * too long for one chunk is split at paragraph breaks; neighbouring pieces that fit are merged back up to
 * the limit; a piece still too long is split again at sentence ends, then between words, and a single
 * word longer than the limit is finally cut between its tokens. Chunk boundaries therefore fall at the
 * coarsest break that lets the pieces fit.
 */
final class RecursiveSplitter {

    private static final List<Pattern> SEPARATORS = List.of(
            Pattern.compile("\\n[ \\t\\x0B\\f\\r]*\\n\\s*"),
            Pattern.compile("[.!?][\"')\\]\\u201D\\u2019]*\\s+"),
            Pattern.compile("\\s+"));

    private final int maxTokens;
    private final int overlapTokens;

    RecursiveSplitter(int maxTokens, int overlapTokens) {
        this.maxTokens = maxTokens;
        this.overlapTokens = overlapTokens;
    }

    List<TokenRange> split(String text, SectionTokens tokens) {
        return split(text, tokens, new TokenRange(0, tokens.count()), 0);
    }

    private List<TokenRange> split(String text, SectionTokens tokens, TokenRange range, int level) {
        if (range.size() <= maxTokens) {
            return List.of(range);
        }
        if (level == SEPARATORS.size()) {
            return TokenWindows.cut(range, maxTokens, overlapTokens, tokens);
        }
        List<TokenRange> pieces = pieces(text, tokens, range, SEPARATORS.get(level));
        List<TokenRange> chunks = new ArrayList<>();
        List<TokenRange> fitting = new ArrayList<>();
        for (TokenRange piece : pieces) {
            if (piece.size() <= maxTokens) {
                fitting.add(piece);
            } else {
                // A piece split further stands alone, so that its own sub-pieces are not merged across
                // the coarser break that ended it.
                chunks.addAll(merge(fitting));
                fitting.clear();
                chunks.addAll(split(text, tokens, piece, level + 1));
            }
        }
        chunks.addAll(merge(fitting));
        return chunks;
    }

    /** {@code range} cut at each match of {@code separator}; a separator's tokens, if any, start the next piece. */
    private static List<TokenRange> pieces(String text, SectionTokens tokens, TokenRange range, Pattern separator) {
        List<TokenRange> pieces = new ArrayList<>();
        Matcher matcher = separator.matcher(text).region(tokens.charStart(range.from()), tokens.charEnd(range.to()));
        int from = range.from();
        while (matcher.find()) {
            int boundary = tokens.firstAtOrAfter(matcher.end(), from, range.to());
            if (boundary > from && boundary < range.to()) {
                pieces.add(new TokenRange(from, boundary));
                from = boundary;
            }
        }
        pieces.add(new TokenRange(from, range.to()));
        return pieces;
    }

    /**
     * Greedily joins consecutive pieces while they fit; each chunk after the first starts with as many of
     * the previous chunk's last pieces as fit in {@code overlapTokens}.
     */
    private List<TokenRange> merge(List<TokenRange> pieces) {
        List<TokenRange> chunks = new ArrayList<>();
        Deque<TokenRange> current = new ArrayDeque<>();
        int total = 0;
        for (TokenRange piece : pieces) {
            if (!current.isEmpty() && total + piece.size() > maxTokens) {
                chunks.add(new TokenRange(current.getFirst().from(), current.getLast().to()));
                while (!current.isEmpty() && (total > overlapTokens || total + piece.size() > maxTokens)) {
                    total -= current.removeFirst().size();
                }
            }
            current.addLast(piece);
            total += piece.size();
        }
        if (!current.isEmpty()) {
            chunks.add(new TokenRange(current.getFirst().from(), current.getLast().to()));
        }
        return chunks;
    }
}
