package dev.sluice.cli;

import dev.sluice.core.topology.Definitions;
import dev.sluice.core.topology.Topology;
import dev.sluice.local.LocalRuntime;
import dev.sluice.workers.ai.OfflineChatModel;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Start every local service of the topology on 127.0.0.1 and run until Ctrl-C or SIGTERM.")
final class UpCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--dir", defaultValue = ".sluice", description = "State directory (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--definitions", description = "Run the definitions in this directory instead of the built-in "
            + "ones; `sluice definitions export DIR` writes a copy to start from.")
    Path definitions;

    @Option(names = "--chat", defaultValue = "local", paramLabel = "local|bedrock|openai=URL[#model]",
            description = "The AI workers' chat model: local (offline, the default); bedrock (Bedrock with your AWS "
                    + "credentials and region, at AWS_ENDPOINT_URL_BEDROCK_RUNTIME when set); openai=URL[#model] "
                    + "(your OpenAI-compatible server).")
    String chat;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ChatChoice chatChoice;
        try {
            chatChoice = ChatChoice.parse(chat, System.getenv());
        } catch (IllegalArgumentException e) {
            err.println("sluice: " + e.getMessage());
            return 2;
        }
        Definitions loaded = Launch.load(definitions, err);
        if (loaded == null) {
            return Sluice.INVALID_DEFINITIONS;
        }
        Topology topology = loaded.topology();
        FailureSummary.attach(err, dir); // for as long as the process runs
        long start = System.nanoTime();
        LocalRuntime runtime;
        try {
            runtime = LocalRuntime.start(topology, dir, LocalRuntime.Options.defaults()
                    .withProfileValues(chatChoice.profileValues()).withBatchModel(new OfflineChatModel()));
        } catch (IllegalArgumentException | IllegalStateException e) {
            err.println("sluice: cannot start: " + e.getMessage());
            return 1;
        }
        out.println(Launch.summary(runtime, (System.nanoTime() - start) / 1_000_000));
        out.println("Ctrl-C to stop.");
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            runtime.close();
            out.println("Sluice local runtime stopped.");
            out.flush();
            stopped.countDown();
        }, "sluice-shutdown"));
        stopped.await();
        return 0;
    }
}
