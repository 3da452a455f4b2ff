package dev.sluice.cli;

import dev.sluice.core.topology.Definitions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "definitions", mixinStandardHelpOptions = true,
        description = "Work with the definitions (topology, rules, schemas, state machines) the runtime runs.")
final class DefinitionsCommand {

    @Spec
    CommandSpec spec;

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Write the built-in definitions to DIR, to edit and run with `sluice up --definitions DIR`.")
    int export(@Parameters(paramLabel = "DIR") Path dir) throws IOException {
        if (Files.exists(dir) && !isEmptyDirectory(dir)) {
            spec.commandLine().getErr().println("sluice: " + dir + " exists and is not empty; choose a new directory");
            return 1;
        }
        Files.createDirectories(dir);
        Definitions.exportBundled(dir);
        spec.commandLine().getOut().println("Definitions written to " + dir.toAbsolutePath()
                + "; run them with: sluice up --definitions " + dir);
        return 0;
    }

    private static boolean isEmptyDirectory(Path dir) throws IOException {
        try (var entries = Files.list(dir)) {
            return Files.isDirectory(dir) && entries.findAny().isEmpty();
        }
    }
}
