package dev.sluice.cli;

import dev.sluice.cli.where.Durations;
import dev.sluice.cli.where.Where;
import dev.sluice.operations.deployment.Deployment;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * What the documents, executions and events commands share: bad input is one line on stderr starting
 * {@code sluice: } and exit status 2, and nothing is done.
 */
final class OperatorConsole {

    /** Exit status of bad usage or input. */
    static final int USAGE = 2;

    /** Bad input, said before anything acted. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    private OperatorConsole() {
    }

    static Deployment open(Where where, CommandSpec spec) {
        try {
            return where.open(spec.commandLine());
        } catch (ParameterException e) {
            throw new UsageException(e.getMessage());
        }
    }

    static Instant instant(String option, String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new UsageException(option + " \"" + text + "\" is not an ISO-8601 time such as 2026-12-02T10:00:00Z");
        }
    }

    static Instant since(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Instant.now().minus(Durations.parse(text));
        } catch (CommandLine.TypeConversionException e) {
            throw new UsageException("--since: " + e.getMessage());
        }
    }

    /** The first line only: a parser's message (Jackson's, under Event Ruler) may add where it stopped below. */
    static int usage(CommandSpec spec, String message) {
        spec.commandLine().getErr().println("sluice: " + String.valueOf(message).lines().findFirst().orElse(""));
        return USAGE;
    }

    /** Progress goes to stderr only when someone watches it. */
    static void progress(CommandSpec spec, String line) {
        if (System.console() != null) {
            spec.commandLine().getErr().println(line);
        }
    }
}
