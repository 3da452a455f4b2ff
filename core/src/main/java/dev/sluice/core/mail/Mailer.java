package dev.sluice.core.mail;

/** Sends email: through SES on AWS, into a local outbox folder when running locally. */
public interface Mailer {

    /** Sends; returns the provider's message id. */
    String send(EmailMessage message) throws MailException;
}
