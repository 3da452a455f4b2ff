package dev.sluice.workers.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.failure.PortFailure;
import dev.sluice.core.mail.EmailMessage;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxMailerTest {

    private static final String SUBJECT = "Grüße – Ihr Bericht ✓";

    @TempDir
    Path root;

    @Test
    void writesAnEmlThatParsesBack() throws Exception {
        Path outbox = root.resolve("out/box");
        OutboxMailer mailer = new OutboxMailer(outbox);
        EmailMessage sent = new EmailMessage("Sluice <noreply@sluice.dev>", List.of("ada@example.com", "bob@example.com"),
                SUBJECT, "Hallo Ada, 3 Jobs sind fertig.\n", "<p>Hallo Ada, 3 Jobs sind fertig.</p>\n", "job-42@sluice");

        String id = mailer.send(sent);

        assertThat(id).isEqualTo("job-42@sluice");
        Path file = mailer.find(id).orElseThrow();
        assertThat(file.getParent()).isEqualTo(outbox);
        assertThat(file.getFileName().toString()).matches("\\d{8}T\\d{6}Z-job-42@sluice\\.eml");
        assertThat(Files.readString(file, StandardCharsets.US_ASCII)).contains("Subject: =?UTF-8?");

        MimeMessage read = parse(file);
        assertThat(read.getFrom()).containsExactly(new InternetAddress("Sluice <noreply@sluice.dev>"));
        assertThat(read.getRecipients(Message.RecipientType.TO))
                .containsExactly(new InternetAddress("ada@example.com"), new InternetAddress("bob@example.com"));
        assertThat(read.getSubject()).isEqualTo(SUBJECT);
        assertThat(read.getMessageID()).isEqualTo("<job-42@sluice>");
        assertThat(read.getHeader("MIME-Version", null)).isEqualTo("1.0");
        assertThat(read.getSentDate().toInstant()).isBetween(Instant.now().minus(Duration.ofMinutes(1)), Instant.now());
        assertThat(read.getContentType()).startsWith("multipart/alternative");
        MimeMultipart parts = (MimeMultipart) read.getContent();
        assertThat(parts.getCount()).isEqualTo(2);
        assertThat(parts.getBodyPart(0).getContentType()).startsWith("text/plain; charset=UTF-8");
        assertThat(parts.getBodyPart(0).getContent()).isEqualTo(sent.text().replace("\n", "\r\n"));
        assertThat(parts.getBodyPart(1).getContentType()).startsWith("text/html; charset=UTF-8");
        assertThat(parts.getBodyPart(1).getContent()).isEqualTo(sent.html().replace("\n", "\r\n"));
    }

    @Test
    void leavesOnlyTheFinishedFileBehind() throws Exception {
        OutboxMailer mailer = new OutboxMailer(root);

        mailer.send(textOnly("a@sluice"));
        mailer.send(textOnly("b@sluice"));

        try (Stream<Path> files = Files.list(root)) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .hasSize(2)
                    .allMatch(name -> name.matches("\\d{8}T\\d{6}Z-[ab]@sluice\\.eml"));
        }
    }

    @Test
    void writesTextOnlyMailAsPlainText() throws Exception {
        OutboxMailer mailer = new OutboxMailer(root);

        mailer.send(textOnly("plain@sluice"));

        MimeMessage read = parse(mailer.find("plain@sluice").orElseThrow());
        assertThat(read.getContentType()).isEqualTo("text/plain; charset=UTF-8");
        assertThat(read.getContent()).isEqualTo("Just text.");
    }

    @Test
    void findsOnlyTheExactMessageId() throws Exception {
        OutboxMailer mailer = new OutboxMailer(root);
        mailer.send(textOnly("job-1@sluice"));

        assertThat(mailer.find("1@sluice")).isEmpty();
        assertThat(mailer.find("job-1@sluice")).isPresent();
        assertThat(new OutboxMailer(root.resolve("never-written")).find("job-1@sluice")).isEmpty();
    }

    @Test
    void aBadAddressIsAPermanentFailureAndWritesNothing() throws Exception {
        OutboxMailer mailer = new OutboxMailer(root);
        EmailMessage bad = new EmailMessage("noreply@sluice.dev", List.of("not an address"), "Hi", "Hi", null,
                "bad@sluice");

        assertThatThrownBy(() -> mailer.send(bad))
                .isInstanceOfSatisfying(PortFailure.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessageContaining("not an address");
        try (Stream<Path> files = Files.list(root)) {
            assertThat(files).isEmpty();
        }
    }

    static EmailMessage textOnly(String messageId) {
        return new EmailMessage("noreply@sluice.dev", List.of("ada@example.com"), "Hi", "Just text.", null, messageId);
    }

    private static MimeMessage parse(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return new MimeMessage(Session.getInstance(new Properties()), in);
        }
    }
}
