package dev.sluice.workers.documents;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decoding that refuses malformed input instead of silently turning it into U+FFFD: text that is not
 * in the character set it is read in (UTF-8 unless the upload declares another) must be rejected, not
 * indexed as mojibake.
 */
final class StrictText {

    private static final char BYTE_ORDER_MARK = '\uFEFF';

    private StrictText() {
    }

    /** The whole document as text, a leading byte order mark dropped. */
    static String decode(byte[] content, Charset charset) throws DocumentRejectedException {
        try {
            String text = decoder(charset).decode(ByteBuffer.wrap(content)).toString();
            return !text.isEmpty() && text.charAt(0) == BYTE_ORDER_MARK ? text.substring(1) : text;
        } catch (CharacterCodingException e) {
            throw undecodable(charset);
        }
    }

    /**
     * Whether {@code head}, the first bytes of a document, is valid in {@code charset}. When it is only a
     * prefix a multi-byte character may be cut at its end, which is not an error.
     */
    static boolean isValidStart(byte[] head, boolean wholeDocument, Charset charset) {
        CharBuffer out = CharBuffer.allocate(head.length * 2);
        CharsetDecoder decoder = decoder(charset);
        CoderResult result = decoder.decode(ByteBuffer.wrap(head), out, wholeDocument);
        if (!result.isError() && wholeDocument) {
            result = decoder.flush(out);
        }
        return !result.isError();
    }

    static DocumentRejectedException undecodable(Charset charset) {
        return new DocumentRejectedException(DocumentRejectedException.UNDECODABLE, charset.equals(StandardCharsets.UTF_8)
                ? "the text is not valid UTF-8; save it as UTF-8 (or declare its character set) and upload it again"
                : "the text is not valid " + charset.name() + ", the character set it declares");
    }

    private static CharsetDecoder decoder(Charset charset) {
        return charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }
}
