package dev.sluice.workers.documents;

/**
 * A document that can never be processed as uploaded: retrying cannot help, so the pipeline fails it
 * at once with {@link #reason()} (a stable machine code) and the message (for the person who uploaded it).
 */
public final class DocumentRejectedException extends Exception {

    public static final String TOO_LARGE = "too_large";
    public static final String EMPTY = "empty";
    public static final String UNSUPPORTED_TYPE = "unsupported_type";
    public static final String TYPE_MISMATCH = "type_mismatch";
    public static final String UNDECODABLE = "undecodable";
    public static final String NO_TEXT = "no_text";
    public static final String TOO_MANY_PAGES = "too_many_pages";
    public static final String EXTRACTION_TIMEOUT = "extraction_timeout";

    private final String reason;

    public DocumentRejectedException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public DocumentRejectedException(String reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
