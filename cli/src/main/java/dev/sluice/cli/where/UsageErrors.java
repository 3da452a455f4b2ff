package dev.sluice.cli.where;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;

/**
 * Bad usage or input (a missing option, an unknown queue, a pattern Event Ruler refuses, a duration
 * that is not one) as one line on stderr, {@code sluice: ...}, and exit status 2, instead of
 * picocli's message followed by the whole usage help: an operator at night reads one line.
 */
public final class UsageErrors implements IParameterExceptionHandler {

    /** Exit status of a command refused for bad usage or input: nothing was done. */
    public static final int EXIT = 2;

    /** Makes {@code commandLine} (and its subcommands, which it executes) answer bad usage in one line. */
    public static CommandLine install(CommandLine commandLine) {
        commandLine.setParameterExceptionHandler(new UsageErrors());
        return commandLine;
    }

    @Override
    public int handleParseException(ParameterException e, String[] args) {
        CommandLine cli = e.getCommandLine();
        PrintWriter err = cli.getErr();
        err.println("sluice: " + e.getMessage().replace('\n', ' ') + " (see `"
                + cli.getCommandSpec().qualifiedName() + " --help`)");
        err.flush();
        return EXIT;
    }
}
