package dev.sluice.workers.email;

import dev.sluice.core.mail.EmailMessage;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MailDateFormat;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.TimeZone;
import java.util.regex.Pattern;

/**
 * Turns an {@link EmailMessage} into the RFC 5322 bytes every {@link dev.sluice.core.mail.Mailer}
 * delivers: SES sends them as raw content, the local outbox stores them as {@code .eml}, so what
 * one shows locally is what the other sends. The same message and date always give the same bytes:
 * the multipart boundary comes from the content instead of a random source.
 */
public final class MimeMessages {

    // Only builds messages; SES or the outbox delivers them, so the session needs no transport.
    private static final Session SESSION = Session.getInstance(new Properties());
    private static final String UTF_8 = StandardCharsets.UTF_8.name();
    private static final Pattern LINE_END = Pattern.compile("\r\n|\r|\n");

    private MimeMessages() {
    }

    /** The message dated now. */
    public static byte[] toBytes(EmailMessage message) {
        return toBytes(message, Instant.now());
    }

    /**
     * The message with {@code date} as its Date header.
     *
     * @throws IllegalArgumentException when {@code from} or a recipient is not an email address
     */
    public static byte[] toBytes(EmailMessage message, Instant date) {
        MimeMessage mime = new MimeMessage(SESSION) {
            @Override
            protected void updateMessageID() throws MessagingException {
                // The caller's id, not a random one: it stays the same when a job's email is retried.
                setHeader("Message-ID", "<" + message.messageId() + ">");
            }
        };
        try {
            mime.setFrom(address(message.from()));
            for (String to : message.to()) {
                mime.addRecipient(Message.RecipientType.TO, address(to));
            }
            mime.setSubject(message.subject(), UTF_8);
            mime.setHeader("Date", dateHeader(date));
            String text = crlf(message.text());
            if (message.html() == null) {
                mime.setText(text, UTF_8);
            } else {
                String html = crlf(message.html());
                MimeBodyPart textPart = new MimeBodyPart();
                textPart.setText(text, UTF_8);
                MimeBodyPart htmlPart = new MimeBodyPart();
                htmlPart.setText(html, UTF_8, "html");
                mime.setContent(new Alternative(boundary(text, html), textPart, htmlPart));
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            mime.writeTo(out);
            return out.toByteArray();
        } catch (MessagingException | IOException e) {
            // Nothing here touches a file or the network: a failure is a bug, not bad luck.
            throw new IllegalStateException("cannot build MIME message " + message.messageId(), e);
        }
    }

    private static InternetAddress address(String address) {
        try {
            return new InternetAddress(address, true);
        } catch (AddressException e) {
            throw new IllegalArgumentException("not an email address: \"" + address + "\": " + e.getMessage(), e);
        }
    }

    /**
     * jakarta.mail writes a 7bit part as given, and mail servers that guard against SMTP smuggling
     * refuse the bare LF a template leaves; MIME text ends its lines with CRLF.
     */
    private static String crlf(String text) {
        return LINE_END.matcher(text).replaceAll("\r\n");
    }

    private static String dateHeader(Instant date) {
        // MailDateFormat writes the JVM's zone by default; UTC keeps the bytes the same on every machine.
        MailDateFormat format = new MailDateFormat();
        format.setTimeZone(TimeZone.getTimeZone("UTC"));
        return format.format(Date.from(date));
    }

    /** Derived from the parts, so no part can contain it, yet the same parts give the same boundary. */
    private static String boundary(String text, String html) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            for (String part : List.of(text, html)) {
                sha256.update(part.getBytes(StandardCharsets.UTF_8));
                sha256.update((byte) 0);
            }
            return "sluice-" + HexFormat.of().formatHex(sha256.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** multipart/alternative with a given boundary; jakarta.mail would pick a random one. */
    private static final class Alternative extends MimeMultipart {

        Alternative(String boundary, BodyPart... parts) throws MessagingException {
            super("alternative", parts);
            ContentType type = new ContentType("multipart", "alternative", null);
            type.setParameter("boundary", boundary);
            contentType = type.toString();
        }
    }
}
