package dev.sluice.workers.documents;

import static dev.sluice.workers.documents.DocumentRejectedException.UNDECODABLE;

import dev.sluice.core.documents.DocumentType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import org.apache.tika.mime.MediaType;
import org.jsoup.Jsoup;

/**
 * The character set a text upload is read in, in the order a browser decides it: a byte order mark,
 * then the {@code charset} parameter of the object's Content-Type, then (HTML only) the document's own
 * {@code <meta charset>} or {@code http-equiv} declaration, else UTF-8.
 */
final class TextCharset {

    /** Browsers look for a meta declaration in the first 1024 bytes; jsoup in the first 5 KiB. */
    private static final int META_SCAN_BYTES = 5 * 1024;

    private TextCharset() {
    }

    /**
     * @param head        the document's first bytes
     * @param contentType the upload's Content-Type, null if it had none
     * @throws DocumentRejectedException undecodable, when the declared charset is one Java does not know
     */
    static Charset of(DocumentType type, byte[] head, String contentType) throws DocumentRejectedException {
        if (head.length >= 3 && (head[0] & 0xFF) == 0xEF && (head[1] & 0xFF) == 0xBB && (head[2] & 0xFF) == 0xBF) {
            return StandardCharsets.UTF_8;
        }
        String declared = contentType == null ? null : parameter(contentType);
        if (declared != null) {
            return named(declared);
        }
        if (type == DocumentType.HTML) {
            return htmlDeclared(head);
        }
        return StandardCharsets.UTF_8;
    }

    private static String parameter(String contentType) {
        MediaType parsed = MediaType.parse(contentType);
        return parsed == null ? null : parsed.getParameters().get("charset");
    }

    /** jsoup finds {@code <meta charset>}, {@code http-equiv="Content-Type"} and an XML declaration alike. */
    private static Charset htmlDeclared(byte[] head) {
        try {
            return Jsoup.parse(new ByteArrayInputStream(head, 0, Math.min(head.length, META_SCAN_BYTES)), null, "")
                    .charset();
        } catch (IOException e) {
            throw new UncheckedIOException("reading an in-memory stream cannot fail", e);
        }
    }

    private static Charset named(String name) throws DocumentRejectedException {
        try {
            return Charset.forName(name.strip());
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            throw new DocumentRejectedException(UNDECODABLE, "the upload's Content-Type declares the character set \"" + name
                    + "\", which is not one we can read");
        }
    }
}
