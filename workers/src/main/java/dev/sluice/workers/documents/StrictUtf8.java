package dev.sluice.workers.documents;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * UTF-8 that refuses malformed input instead of silently turning it into U+FFFD: a Latin-1 or UTF-16
 * upload must be rejected, not indexed as mojibake.
 */
final class StrictUtf8 {

    private static final char BYTE_ORDER_MARK = '\uFEFF';

    private StrictUtf8() {
    }

    /** The whole document as text, a leading byte order mark dropped. */
    static String decode(byte[] content) throws DocumentRejectedException {
        try {
            String text = decoder().decode(ByteBuffer.wrap(content)).toString();
            return !text.isEmpty() && text.charAt(0) == BYTE_ORDER_MARK ? text.substring(1) : text;
        } catch (CharacterCodingException e) {
            throw notUtf8();
        }
    }

    /**
     * Whether {@code head}, the first bytes of a document, is valid UTF-8. When it is only a prefix a
     * multi-byte character may be cut at its end, which is not an error.
     */
    static boolean isValidStart(byte[] head, boolean wholeDocument) {
        CharBuffer out = CharBuffer.allocate(head.length);
        CharsetDecoder decoder = decoder();
        CoderResult result = decoder.decode(ByteBuffer.wrap(head), out, wholeDocument);
        if (!result.isError() && wholeDocument) {
            result = decoder.flush(out);
        }
        return !result.isError();
    }

    static DocumentRejectedException notUtf8() {
        return new DocumentRejectedException(DocumentRejectedException.UNDECODABLE,
                "the text is not valid UTF-8; save it as UTF-8 and upload it again");
    }

    private static CharsetDecoder decoder() {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }
}
