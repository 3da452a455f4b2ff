package dev.sluice.workers.email;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.mail.EmailMessage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;

class MimeMessagesTest {

    private static final Instant DATE = Instant.parse("2025-03-04T05:06:07Z");

    @Test
    void theSameMessageAndDateGiveTheSameBytes() {
        EmailMessage message = new EmailMessage("noreply@sluice.dev", List.of("ada@example.com"), "Hi", "text",
                "<p>html</p>", "job-7@sluice");

        assertThat(MimeMessages.toBytes(message, DATE)).isEqualTo(MimeMessages.toBytes(message, DATE));
    }

    @Test
    void datesInUtcWhateverTheJvmZone() {
        TimeZone jvmZone = TimeZone.getDefault();
        String mime;
        try {
            TimeZone.setDefault(TimeZone.getTimeZone("Asia/Tokyo"));
            mime = new String(MimeMessages.toBytes(OutboxMailerTest.textOnly("job-7@sluice"), DATE),
                    StandardCharsets.US_ASCII);
        } finally {
            TimeZone.setDefault(jvmZone);
        }

        assertThat(mime).contains("Date: Tue, 4 Mar 2025 05:06:07 +0000 (UTC)\r\n");
    }

    @Test
    void partsWithDifferentContentGetDifferentBoundaries() {
        String first = new String(MimeMessages.toBytes(new EmailMessage("noreply@sluice.dev",
                List.of("ada@example.com"), "Hi", "one", "<p>one</p>", "job-7@sluice"), DATE), StandardCharsets.UTF_8);
        String second = new String(MimeMessages.toBytes(new EmailMessage("noreply@sluice.dev",
                List.of("ada@example.com"), "Hi", "two", "<p>two</p>", "job-7@sluice"), DATE), StandardCharsets.UTF_8);

        assertThat(boundary(first)).startsWith("sluice-").isNotEqualTo(boundary(second));
    }

    @Test
    void endsEveryLineWithCrlf() {
        byte[] mime = MimeMessages.toBytes(new EmailMessage("noreply@sluice.dev", List.of("ada@example.com"), "Hi",
                "line one\nline two\rline three\r\n", "<p>\n</p>\n", "job-7@sluice"), DATE);

        assertThat(new String(mime, StandardCharsets.US_ASCII))
                .contains("line one\r\nline two\r\nline three\r\n")
                .doesNotContainPattern("[^\r]\n")
                .doesNotContainPattern("\r[^\n]");
    }

    private static String boundary(String mime) {
        return mime.replaceAll("(?s).*boundary=\"?([^\"\\r\\n]+)\"?.*", "$1");
    }
}
