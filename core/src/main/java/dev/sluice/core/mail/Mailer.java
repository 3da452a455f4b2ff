package dev.sluice.core.mail;

/** Sends email: through SES on AWS, into a local outbox folder when running locally. */
public interface Mailer {

    /**
     * Sends; returns the provider's message id.
     *
     * @throws dev.sluice.core.failure.PortFailure when the message was not sent (retryable, or
     *     permanent), or when nobody can tell whether it was (code {@code send_outcome_unknown})
     */
    String send(EmailMessage message);
}
