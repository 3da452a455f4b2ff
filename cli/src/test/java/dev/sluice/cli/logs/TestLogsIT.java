package dev.sluice.cli.logs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.workers.logging.Redaction;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The "no log line in the whole test run contains an API key or an e-mail address": after every
 * module's tests (this runs last, in the cli's integration-test phase), each module's {@code target/test.log}
 * is read line by line, and no line may hold what the encoder's {@link Redaction} masks. A line that does
 * was written past the redaction: an appender without it, or a caller writing around SLF4J.
 * (Prompt and e-mail bodies are masked by field name; {@code RedactedLogsFlowTest} follows a distinctive
 * prompt and body through a flow's logs.)
 */
class TestLogsIT {

    private static final Path ROOT = Path.of(System.getProperty("sluice.root", "..")).toAbsolutePath().normalize();

    @Test
    void noTestLogOfAnyModuleHoldsAnEmailAddressOrAnApiKey() throws IOException {
        List<Path> logs;
        try (Stream<Path> files = Stream.concat(Files.list(ROOT), Files.list(ROOT.resolve("workers")))) {
            logs = files.map(module -> module.resolve("target/test.log")).filter(Files::isRegularFile).toList();
        }
        List<String> leaks = new ArrayList<>();
        long lines = 0;
        for (Path log : logs) {
            try (Stream<String> text = Files.lines(log)) {
                for (String line : (Iterable<String>) text::iterator) {
                    lines++;
                    if (!Redaction.redact(line).equals(line)) {
                        leaks.add(ROOT.relativize(log) + ": " + line);
                    }
                }
            } catch (UncheckedIOException e) {
                throw new IllegalStateException("cannot read " + log, e);
            }
        }

        // This module's unit tests ran local stacks with jobs and e-mails: there is something to read.
        assertThat(logs).contains(ROOT.resolve("cli/target/test.log"));
        assertThat(Files.size(ROOT.resolve("cli/target/test.log"))).isPositive();
        assertThat(lines).isPositive();
        assertThat(leaks).as("log lines holding an e-mail address or an API key").isEmpty();
    }
}
