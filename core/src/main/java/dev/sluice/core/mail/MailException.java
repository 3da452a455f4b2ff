package dev.sluice.core.mail;

/**
 * A message that was not sent. {@link #permanent()} tells the caller whether sending the same message
 * again can succeed: a throttled or unreachable provider may take it later; a rejected message or an
 * unverified sender fails the same way every time, so retrying only delays the failure.
 */
public final class MailException extends Exception {

    private final boolean permanent;

    public MailException(String message, boolean permanent, Throwable cause) {
        super(message, cause);
        this.permanent = permanent;
    }

    public boolean permanent() {
        return permanent;
    }
}
