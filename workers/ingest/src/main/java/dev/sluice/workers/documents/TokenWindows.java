package dev.sluice.workers.documents;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a run of tokens into windows of at most {@code size}, each starting about {@code overlap} before
 * the last ended. Windows end and start between words, so a window may hold a little less than
 * {@code size} and overlap a little less than {@code overlap}; only a word longer than a whole window is
 * cut between its tokens.
 */
final class TokenWindows {

    private TokenWindows() {
    }

    static List<TokenRange> cut(TokenRange tokens, int size, int overlap, SectionTokens words) {
        List<TokenRange> windows = new ArrayList<>();
        int from = tokens.from();
        int covered = from;
        while (true) {
            int to = end(tokens, from, size, words);
            if (to <= covered) {
                // The overlap left no room for the next word: this window starts where the last one ended.
                from = covered;
                to = end(tokens, from, size, words);
            }
            windows.add(new TokenRange(from, to));
            covered = to;
            if (to == tokens.to()) {
                return windows;
            }
            int earliest = Math.max(from + 1, to - overlap);
            int next = words.wordStartAtOrAfter(earliest, to);
            // Within a word longer than the window, the overlap is counted in tokens.
            from = next == to && !words.startsWord(to) ? earliest : next;
        }
    }

    /**
     * Where a window starting at {@code from} ends: after {@code size} tokens, moved back to the start of
     * the word it would cut, unless that word is longer than a window itself (a URL, a table row without
     * spaces) and so is cut between its tokens anyway; then it fills this window rather than leave a
     * scrap of the words before it alone.
     */
    private static int end(TokenRange tokens, int from, int size, SectionTokens words) {
        int to = Math.min(from + size, tokens.to());
        if (to < tokens.to()) {
            int wordStart = words.wordStartAtOrBefore(to, from);
            int wordEnd = words.wordStartAtOrAfter(to, tokens.to());
            if (wordStart > from && wordEnd - wordStart <= size) {
                return wordStart;
            }
        }
        return to;
    }
}
