package dev.sluice.cli;

import dev.sluice.cdk.SluiceApp;
import dev.sluice.core.topology.DefinitionException;
import dev.sluice.core.topology.Definitions;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "synth", mixinStandardHelpOptions = true,
        description = "Write the CloudFormation template and assets of one stage's stack, offline (no AWS account):"
                + " what `cdk deploy --app cdk.out` deploys.")
final class SynthCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--env", defaultValue = "dev", paramLabel = "STAGE",
            description = "The stage to synthesize: dev, staging or prod (default ${DEFAULT-VALUE}).")
    String stage;

    @Option(names = "--out", defaultValue = "cdk.out", paramLabel = "DIR",
            description = "Where the cloud assembly goes (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--definitions", paramLabel = "DIR",
            description = "Synthesize definitions laid out as `sluice definitions export` writes them, not the built-in ones.")
    Path definitions;

    @Override
    public Integer call() {
        Path root = Path.of(System.getProperty("sluice.root", ".")).toAbsolutePath().normalize();
        try {
            Definitions loaded = definitions == null ? Definitions.bundled() : Definitions.load(definitions);
            long started = System.nanoTime();
            var synthesized = SluiceApp.synth(loaded, stage, root, out.toAbsolutePath());
            long millis = (System.nanoTime() - started) / 1_000_000;
            synthesized.resourceCounts().forEach((stack, count) -> spec.commandLine().getOut().printf(
                    "%s: %d resources -> %s%n", stack, count, out.resolve(stack + ".template.json")));
            spec.commandLine().getOut().printf("Synthesized in %.1f s. Deploy with: npx aws-cdk@%s deploy --app %s %s%n",
                    millis / 1000.0, SluiceApp.CDK_CLI_VERSION, out, synthesized.resourceCounts().keySet().iterator().next());
            return 0;
        } catch (DefinitionException e) {
            spec.commandLine().getErr().println("sluice: invalid definition: " + e.getMessage());
            return Sluice.INVALID_DEFINITIONS;
        }
    }
}
