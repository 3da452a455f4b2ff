package dev.sluice.workers.documents;

import dev.sluice.core.embed.TokenSpan;
import dev.sluice.core.embed.Tokenizer;
import java.util.List;

/**
 * Where each token of one section starts in the document text: the section is tokenized once and
 * chunks are then cut by offset, which keeps chunking linear in the text's length. A token "starts a
 * word" when whitespace precedes it: chunks are cut there, so that none begins or ends inside a word.
 */
final class SectionTokens {

    private final String text;
    private final Section section;
    private final int[] starts;

    private SectionTokens(String text, Section section, int[] starts) {
        this.text = text;
        this.section = section;
        this.starts = starts;
    }

    static SectionTokens of(Tokenizer tokenizer, String text, Section section) {
        // A plain-text document is one section of up to 50 MiB: do not copy it just to tokenize it.
        boolean whole = section.start() == 0 && section.end() == text.length();
        List<TokenSpan> spans = tokenizer.tokenize(whole ? text : text.substring(section.start(), section.end()));
        int[] starts = new int[spans.size()];
        for (int i = 0; i < starts.length; i++) {
            starts[i] = section.start() + spans.get(i).start();
        }
        return new SectionTokens(text, section, starts);
    }

    int count() {
        return starts.length;
    }

    /**
     * Where a piece beginning with token {@code index} begins: the first piece starts with the section, so
     * characters the tokenizer skipped before the first token are not lost.
     */
    int charStart(int index) {
        return index == 0 ? section.start() : starts[index];
    }

    /**
     * Where a piece ending before token {@code index} ends: at the next token, so characters the tokenizer
     * skipped between tokens belong to the piece before them; the last piece ends with the section.
     */
    int charEnd(int index) {
        return index == starts.length ? section.end() : starts[index];
    }

    /** Whether a cut before token {@code index} falls between words: at either end, or after whitespace. */
    boolean startsWord(int index) {
        return index == 0 || index == starts.length || Character.isWhitespace(text.charAt(starts[index] - 1));
    }

    /** The last cut between words in {@code (floor, index]}, else {@code floor}. */
    int wordStartAtOrBefore(int index, int floor) {
        for (int i = index; i > floor; i--) {
            if (startsWord(i)) {
                return i;
            }
        }
        return floor;
    }

    /** The first cut between words in {@code [index, ceiling)}, else {@code ceiling}. */
    int wordStartAtOrAfter(int index, int ceiling) {
        for (int i = index; i < ceiling; i++) {
            if (startsWord(i)) {
                return i;
            }
        }
        return ceiling;
    }

    /** The first token in {@code [from, to)} starting at or after {@code offset}, else {@code to}. */
    int firstAtOrAfter(int offset, int from, int to) {
        int low = from;
        int high = to;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (starts[middle] < offset) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }
}
