package dev.sluice.cli.where;

import dev.sluice.core.topology.Definitions;
import dev.sluice.local.Endpoints;
import dev.sluice.operations.deployment.Deployment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * Which stack an operator command acts on: the local one in {@code --dir} (default {@code .sluice}),
 * or the deployed stack {@code --stack NAME} (or {@code SLUICE_STACK}), found by its CloudFormation
 * outputs with the default credentials and region.
 */
public final class Where {

    @Option(names = "--dir", defaultValue = ".sluice", description = "State directory of a running `sluice up`"
            + " (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--stack", defaultValue = "${env:SLUICE_STACK}", description = "A deployed stack's name"
            + " (default: $SLUICE_STACK); the default AWS credentials and region are used.")
    String stack;

    @Option(names = "--definitions", description = "The definitions the stack was made from, if not the built-in"
            + " ones.")
    Path definitions;

    /** The stack, opened; a missing local runtime or stack is a usage error naming what to do. */
    public Deployment open(CommandLine commandLine) {
        Definitions loaded;
        try {
            loaded = definitions == null ? Definitions.bundled() : Definitions.load(definitions);
        } catch (RuntimeException e) {
            throw new ParameterException(commandLine, "invalid definition: " + e.getMessage());
        }
        if (stack != null && !stack.isBlank()) {
            try {
                return StackDeployment.open(loaded.topology(), stack);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(commandLine, e.getMessage());
            }
        }
        if (!Files.exists(dir.resolve(Endpoints.FILE))) {
            throw new ParameterException(commandLine, "no Sluice runtime in " + dir.toAbsolutePath()
                    + ": start one with `sluice up`, or name a deployed stack with --stack");
        }
        try {
            return new LocalDeployment(loaded.topology(), dir, Endpoints.read(dir));
        } catch (IOException e) {
            throw new ParameterException(commandLine, "cannot read " + dir.resolve(Endpoints.FILE) + ": " + e);
        }
    }
}
