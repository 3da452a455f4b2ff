package dev.sluice.cli;

import dev.sluice.cli.where.UsageErrors;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code sluice} command: run the pipeline locally and operate it. */
@Command(name = "sluice", mixinStandardHelpOptions = true, version = "sluice 0.1.0",
        description = "Sluice: an event-driven job pipeline for AI workloads on AWS, and its local runtime.",
        subcommands = {UpCommand.class, DemoCommand.class, JobsCommand.class, IngestCommand.class, SearchCommand.class,
                KeysCommand.class, DefinitionsCommand.class, SynthCommand.class,
                DlqCommand.class, BenchCommand.class, DocumentsCommand.class, ExecutionsCommand.class,
                EventsCommand.class, AuditCommand.class})
public final class Sluice {

    /** Exit status for definitions that cannot be used (a broken rule, schema or topology file). */
    static final int INVALID_DEFINITIONS = 2;

    private static final String LOGBACK_CONFIGURATION = "logback.configurationFile";

    public static void main(String[] args) {
        // Before anything logs: the command's own configuration, not the Lambda bundles' logback.xml
        // (JSON on stdout) that the workers jar brings along.
        if (System.getProperty(LOGBACK_CONFIGURATION) == null) {
            System.setProperty(LOGBACK_CONFIGURATION, "sluice/logback-cli.xml");
        }
        CommandLine cli = UsageErrors.install(new CommandLine(new Sluice()));
        int status = cli.execute(args);
        cli.getOut().flush();
        cli.getErr().flush();
        System.exit(status);
    }
}
