package dev.sluice.workers.documents;

import static dev.sluice.workers.documents.DocumentRejectedException.EMPTY;
import static dev.sluice.workers.documents.DocumentRejectedException.TOO_LARGE;
import static dev.sluice.workers.documents.DocumentRejectedException.TYPE_MISMATCH;
import static dev.sluice.workers.documents.DocumentRejectedException.UNSUPPORTED_TYPE;

import dev.sluice.core.documents.DocumentType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.util.Optional;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.TikaCoreProperties;
import org.apache.tika.mime.MediaType;
import org.apache.tika.mime.MimeTypes;

/**
 * The Validate step: decides a document's type from its extension and its content together, so a
 * renamed file is caught before anything tries to parse it, and the character set its text is in. It
 * needs only the object's size, Content-Type and first {@link #HEAD_BYTES} bytes (one ranged GET), never
 * the whole object.
 */
public final class DocumentInspector {

    /** What the document is: its type and, for text, the character set to read it in (null for PDF). */
    public record Inspection(DocumentType type, Charset charset) {
    }

    public static final long DEFAULT_MAX_BYTES = 50L * 1024 * 1024;

    /** How much of the object to read: Tika's magic patterns look no further than this. */
    public static final int HEAD_BYTES = 64 * 1024;

    private static final MimeTypes MIME_TYPES = MimeTypes.getDefaultMimeTypes();
    private static final MediaType PDF = MediaType.application("pdf");

    private final long maxBytes;

    public DocumentInspector(long maxBytes) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    /**
     * @param key         the object key; its extension claims a type
     * @param size        the whole object's size in bytes
     * @param head        the object's first bytes (all of it, or at least the first {@link #HEAD_BYTES})
     * @param contentType the object's Content-Type (its {@code charset} is honoured), null if none
     * @throws DocumentRejectedException permanently: too_large, empty, unsupported_type, type_mismatch, undecodable
     */
    public Inspection inspect(String key, long size, byte[] head, String contentType)
            throws DocumentRejectedException {
        if (head.length > size) {
            throw new IllegalArgumentException("head has " + head.length + " bytes, the object only " + size);
        }
        if (size > maxBytes) {
            throw new DocumentRejectedException(TOO_LARGE,
                    "the document is " + size + " bytes; the limit is " + maxBytes);
        }
        if (size == 0) {
            throw new DocumentRejectedException(EMPTY, "the document is empty");
        }
        String name = key.substring(key.lastIndexOf('/') + 1);
        Optional<DocumentType> claimed = DocumentType.forKey(name);
        if (claimed.isEmpty()) {
            throw new DocumentRejectedException(UNSUPPORTED_TYPE, "'" + name + "' was detected as "
                    + detect(head, name) + "; supported extensions are " + DocumentType.supportedExtensions());
        }
        DocumentType type = claimed.get();
        // The name is left out here on purpose: with it, Tika lets the extension win whenever the bytes are
        // ambiguous, and the point is to check the extension against the bytes.
        MediaType content = detect(head, null);
        if (type == DocumentType.PDF) {
            if (!isA(content, PDF)) {
                throw mismatch(name, content);
            }
            return new Inspection(type, null);
        }
        Charset charset = TextCharset.of(type, head, contentType);
        checkText(name, content, head, head.length == size, charset);
        return new Inspection(type, charset);
    }

    private static void checkText(String name, MediaType content, byte[] head, boolean wholeDocument,
            Charset charset) throws DocumentRejectedException {
        if (content.equals(MediaType.OCTET_STREAM)) {
            // Tika says octet-stream both for binary data and for text in a legacy 8-bit encoding; only
            // control bytes tell the two apart (the second is read in the charset it declares, else refused below).
            if (hasControlBytes(head)) {
                throw new DocumentRejectedException(TYPE_MISMATCH,
                        "'" + name + "' holds binary data, not text");
            }
        } else if (!isA(content, MediaType.TEXT_PLAIN)) {
            throw mismatch(name, content);
        }
        if (!StrictText.isValidStart(head, wholeDocument, charset)) {
            throw StrictText.undecodable(charset);
        }
    }

    /** Tika's hierarchy makes HTML, XML, JSON, CSV... kinds of text/plain, which is what a text file may hold. */
    private static boolean isA(MediaType type, MediaType kind) {
        return type.equals(kind) || MIME_TYPES.getMediaTypeRegistry().isSpecializationOf(type, kind);
    }

    /** NUL and the C0 controls that never occur in text (tab, newlines, form feed and escape can). */
    private static boolean hasControlBytes(byte[] head) {
        for (byte b : head) {
            if (b >= 0 && b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\f' && b != 0x1B) {
                return true;
            }
        }
        return false;
    }

    private static DocumentRejectedException mismatch(String name, MediaType content) {
        return new DocumentRejectedException(TYPE_MISMATCH,
                "'" + name + "' does not match its extension: its content is " + content);
    }

    private static MediaType detect(byte[] head, String name) {
        Metadata metadata = new Metadata();
        if (name != null) {
            metadata.set(TikaCoreProperties.RESOURCE_NAME_KEY, name);
        }
        try {
            return MIME_TYPES.detect(new ByteArrayInputStream(head), metadata);
        } catch (IOException e) {
            throw new UncheckedIOException("reading an in-memory stream cannot fail", e);
        }
    }
}
