package dev.sluice.core.mail;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One email ready to send. {@code html} is null for a text-only message. {@code messageId} is the
 * RFC 5322 Message-ID without its angle brackets ({@code jobId@sluice}): derived from the job, it is
 * the same on every retry, so recipients' mail systems can tell a resend from a new message.
 */
public record EmailMessage(String from, List<String> to, String subject, String text, String html,
        String messageId) {

    private static final Pattern MESSAGE_ID = Pattern.compile("[^\\s<>@]+@[^\\s<>@]+");

    public EmailMessage {
        Objects.requireNonNull(from, "from");
        to = List.copyOf(to);
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(messageId, "messageId");
        if (to.isEmpty()) {
            throw new IllegalArgumentException("an email needs at least one recipient");
        }
        // A line break would end the Subject header and let the rest pass as headers of its own.
        if (subject.indexOf('\r') >= 0 || subject.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("subject must be one line: " + subject);
        }
        if (!MESSAGE_ID.matcher(messageId).matches()) {
            throw new IllegalArgumentException("messageId must look like left@right, without <>: " + messageId);
        }
    }
}
