package dev.sluice.cli;

import dev.sluice.cli.bench.StartupBenchmark;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Run a benchmark and print its results with side-by-side ratios (see BENCHMARKS.md).")
final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", description = "Which benchmark: startup.")
    String which;

    @Option(names = "--runs", defaultValue = "3", description = "Fresh JVMs per subject (default: ${DEFAULT-VALUE}).")
    int runs;

    @Override
    public Integer call() throws Exception {
        if (!which.equals("startup")) {
            spec.commandLine().getErr().println("sluice: unknown benchmark " + which + "; known: startup");
            return 2;
        }
        spec.commandLine().getOut().print(new StartupBenchmark(runs, 5000).run());
        return 0;
    }
}
