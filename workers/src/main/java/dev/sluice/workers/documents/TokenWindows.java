package dev.sluice.workers.documents;

import java.util.ArrayList;
import java.util.List;

/** Cuts a run of tokens into windows of at most {@code size}, each starting {@code overlap} before the last ended. */
final class TokenWindows {

    private TokenWindows() {
    }

    static List<TokenRange> cut(TokenRange tokens, int size, int overlap) {
        List<TokenRange> windows = new ArrayList<>();
        int from = tokens.from();
        while (true) {
            int to = Math.min(from + size, tokens.to());
            windows.add(new TokenRange(from, to));
            if (to == tokens.to()) {
                return windows;
            }
            from = to - overlap;
        }
    }
}
