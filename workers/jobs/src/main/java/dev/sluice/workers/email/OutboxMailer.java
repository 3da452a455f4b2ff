package dev.sluice.workers.email;

import dev.sluice.core.failure.PortFailure;
import dev.sluice.core.mail.EmailMessage;
import dev.sluice.core.mail.Mailer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.StreamSupport;

/**
 * Sends mail locally by writing each message to {@code <dir>/<yyyyMMdd'T'HHmmss'Z'>-<messageId>.eml},
 * a file any mail client opens. The bytes are those {@link SesMailer} would send. Each file appears
 * whole or not at all, so a reader watching the folder never sees half a message.
 */
public final class OutboxMailer implements Mailer {

    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final Path dir;

    public OutboxMailer(Path dir) {
        this.dir = dir;
    }

    /** Writes the message; returns its messageId, which {@link #find(String)} takes. */
    @Override
    public String send(EmailMessage message) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        byte[] bytes;
        try {
            bytes = MimeMessages.toBytes(message, now);
        } catch (IllegalArgumentException e) {
            throw PortFailure.permanent("mail_rejected", e.getMessage(), e);
        }
        Path target = dir.resolve(STAMP.format(now) + "-" + fileName(message.messageId()) + ".eml");
        try {
            Files.createDirectories(dir);
            // The leading dot and .tmp keep the half-written file out of "*.eml" listings.
            Path temp = Files.createTempFile(dir, ".sending-", ".tmp");
            try {
                Files.write(temp, bytes);
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            // The rename is atomic: a failed write left no message behind, so trying again sends once.
            throw PortFailure.retryable("outbox_unwritable", "cannot write " + target + ": " + e.getMessage(), e);
        }
        return message.messageId();
    }

    /** The newest {@code .eml} written for {@code messageId}: a retried send writes it again. */
    public Optional<Path> find(String messageId) {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        // The stamp's exact shape keeps "1@x" from matching "job-1@x"; fileName() leaves no glob
        // metacharacter in the pattern. Names start with the stamp, so the greatest is the newest.
        String glob = "????????T??????Z-" + fileName(messageId) + ".eml";
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, glob)) {
            return StreamSupport.stream(files.spliterator(), false).max(Comparator.naturalOrder());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    /** A Message-ID may hold characters that are not safe in a file name on every OS. */
    private static String fileName(String messageId) {
        return messageId.replaceAll("[^A-Za-z0-9._@-]", "_");
    }
}
