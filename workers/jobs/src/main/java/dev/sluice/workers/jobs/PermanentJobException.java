package dev.sluice.workers.jobs;

/**
 * A job that can never succeed as submitted (a bad payload, an unknown template): it is FAILED at
 * once with {@code code} and its message is deleted, so it never loops into the DLQ.
 */
public final class PermanentJobException extends Exception {

    private final String code;

    public PermanentJobException(String code, String message) {
        super(message);
        this.code = code;
    }

    public PermanentJobException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
