package dev.sluice.cli;

import dev.sluice.cli.bench.AiGatewayBenchmark;
import dev.sluice.cli.bench.BundlesBenchmark;
import dev.sluice.cli.bench.IngestBenchmark;
import dev.sluice.cli.bench.JobsBenchmark;
import dev.sluice.cli.bench.RecallBenchmark;
import dev.sluice.cli.bench.ReplayBenchmark;
import dev.sluice.cli.bench.SearchBenchmark;
import dev.sluice.cli.bench.StartupBenchmark;
import java.nio.file.Path;
import java.util.List;
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

    @Parameters(index = "0", description = "Which benchmark: startup, jobs, ingest, search, recall, bundles, replay or ai.")
    String which;

    @Option(names = "--runs", defaultValue = "3", description = "startup, bundles: fresh JVMs per subject"
            + " (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--jobs", defaultValue = "2000", description = "jobs: jobs in the throughput run; ai: jobs per subject"
            + " (default: ${DEFAULT-VALUE}).")
    int jobs;

    @Option(names = "--clients", defaultValue = "16", description = "jobs: concurrent clients"
            + " (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--rate", defaultValue = "50", description = "jobs: jobs/s in the latency run"
            + " (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--seconds", defaultValue = "20", description = "jobs: length of the latency run"
            + " (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--shapes", defaultValue = "24x30,4x180", split = ",", description = "ingest: corpora to run,"
            + " each DOCUMENTSxPARAGRAPHS (five sentences a paragraph; default: ${DEFAULT-VALUE}, about 216 chunks each).")
    List<String> shapes;

    @Option(names = "--chunks", defaultValue = "100000", description = "search: vectors indexed"
            + " (default: ${DEFAULT-VALUE}).")
    int chunks;

    @Option(names = "--dimensions", defaultValue = "384", description = "search: vector dimensions"
            + " (default: ${DEFAULT-VALUE}).")
    int dimensions;

    @Option(names = "--queries", defaultValue = "200", description = "search: queries timed"
            + " (default: ${DEFAULT-VALUE}).")
    int queries;

    @Option(names = "--k", defaultValue = "10", description = "search: neighbours per query"
            + " (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--corpus", description = "recall: a directory of documents nobody here wrote"
            + " (default: /usr/share/doc/nodejs, Debian's Node.js documentation).")
    Path corpus;

    @Option(names = "--documents", defaultValue = "100", description = "recall: documents taken, the first by path"
            + " within the size range (default: ${DEFAULT-VALUE}).")
    int documents;

    @Option(names = "--min-bytes", defaultValue = "2048", description = "recall: smallest file taken"
            + " (default: ${DEFAULT-VALUE}).")
    long minBytes;

    @Option(names = "--max-bytes", defaultValue = "102400", description = "recall: largest file taken"
            + " (default: ${DEFAULT-VALUE}).")
    long maxBytes;

    @Option(names = "--recall-queries", defaultValue = "150", description = "recall: queries of each kind at most,"
            + " known-item and title (default: ${DEFAULT-VALUE}).")
    int recallQueries;

    @Option(names = "--seed", defaultValue = "7", description = "recall: the seed the queries are drawn with"
            + " (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--messages", defaultValue = "2000", description = "replay: messages in the throughput run"
            + " (default: ${DEFAULT-VALUE}).")
    int messages;

    @Option(names = "--rates", defaultValue = "20,50,200", split = ",", description = "replay: the --rate values"
            + " checked, each for about 3 s of sends (default: ${DEFAULT-VALUE}).")
    List<Double> rates;

    @Override
    public Integer call() throws Exception {
        String report = switch (which) {
            case "startup" -> new StartupBenchmark(runs, 5000).run();
            case "jobs" -> new JobsBenchmark(jobs, clients, rate, seconds).run();
            case "ingest" -> new IngestBenchmark(shapes.stream().map(shape -> shape.split("x")).map(
                    p -> new IngestBenchmark.Shape(Integer.parseInt(p[0]), Integer.parseInt(p[1]))).toList()).run();
            case "search" -> new SearchBenchmark(chunks, dimensions, queries, k).run();
            case "recall" -> new RecallBenchmark(corpus == null ? RecallBenchmark.DEFAULT_CORPUS : corpus, documents,
                    minBytes, maxBytes, recallQueries, seed).run();
            // The ./sluice script names the checkout, where mvn package leaves the bundles.
            case "bundles" -> new BundlesBenchmark(Path.of(System.getProperty("sluice.root", ".")), runs).run();
            case "replay" -> new ReplayBenchmark(messages, rates, 3).run();
            case "ai" -> new AiGatewayBenchmark(jobs).run();
            default -> null;
        };
        if (report == null) {
            spec.commandLine().getErr().println("sluice: unknown benchmark " + which + "; known: startup, jobs, ingest, search, recall, bundles, replay, ai");
            return 2;
        }
        spec.commandLine().getOut().print(report);
        return 0;
    }
}
