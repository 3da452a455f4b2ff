package dev.sluice.workers.ingest;

/**
 * A failure no retry can mend (an unsupported type, a corrupt PDF): the state machine catches it
 * and marks the document FAILED with {@code code}. The message starts with the code so that
 * MarkFailed can read it back from the Lambda error the execution carries.
 */
public final class PermanentIngestException extends RuntimeException {

    private final String code;

    public PermanentIngestException(String code, String message) {
        super(code + ": " + message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
