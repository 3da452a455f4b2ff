package dev.sluice.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code sluice} command: run the pipeline locally and operate it. */
@Command(name = "sluice", mixinStandardHelpOptions = true, version = "sluice 0.1.0",
        description = "Sluice: an event-driven job pipeline for AI workloads on AWS, and its local runtime.",
        subcommands = {UpCommand.class, DemoCommand.class, JobsCommand.class, IngestCommand.class, SearchCommand.class,
                KeysCommand.class, DefinitionsCommand.class,
                BenchCommand.class})
public final class Sluice {

    /** Exit status for definitions that cannot be used (a broken rule, schema or topology file). */
    static final int INVALID_DEFINITIONS = 2;

    public static void main(String[] args) {
        // One line per runtime log record, on stderr, away from the command's own output.
        System.setProperty("java.util.logging.SimpleFormatter.format", "%4$s %3$s: %5$s%6$s%n");
        // The embedded servers (ElasticMQ, S3Proxy) log through SLF4J: their warnings and errors only.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        CommandLine cli = new CommandLine(new Sluice());
        int status = cli.execute(args);
        cli.getOut().flush();
        cli.getErr().flush();
        System.exit(status);
    }
}
