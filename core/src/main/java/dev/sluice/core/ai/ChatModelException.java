package dev.sluice.core.ai;

/** A model call that failed; {@code permanent} when retrying cannot help (a rejected request). */
public class ChatModelException extends Exception {

    private final boolean permanent;

    public ChatModelException(String message, boolean permanent, Throwable cause) {
        super(message, cause);
        this.permanent = permanent;
    }

    public boolean permanent() {
        return permanent;
    }
}
