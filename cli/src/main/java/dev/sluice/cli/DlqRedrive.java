package dev.sluice.cli;

import dev.sluice.cli.where.Where;
import dev.sluice.operations.deployment.Deployment;
import dev.sluice.operations.dlq.DeadLetterQueue;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sluice dlq redrive QUEUE [--rate N] | --cancel}: SQS's own redrive of a queue DLQ back to
 * its source queue, followed until it ends. Registered under {@code sluice dlq}.
 */
@Command(name = "redrive", mixinStandardHelpOptions = true, description = "Move every message of a queue DLQ back"
        + " to its source queue with SQS's own message move task, and follow it until it ends (redriven messages"
        + " get new ids). Only queue DLQs: for the EventBridge target and on-failure DLQs use `sluice dlq replay`.")
final class DlqRedrive implements Callable<Integer> {

    /** How often the task's progress is asked for. */
    private static final Duration POLL = Duration.ofMillis(500);

    @Spec
    CommandSpec spec;

    @Mixin
    Where where;

    @Parameters(paramLabel = "QUEUE", description = "A queue DLQ, e.g. email-dlq.")
    String queue;

    @Option(names = "--rate", description = "At most N messages a second (1 to 500; default: as fast as SQS goes).")
    Integer rate;

    @Option(names = "--cancel", description = "Cancel the running redrive of QUEUE instead.")
    boolean cancel;

    @Override
    public Integer call() throws InterruptedException {
        var cli = spec.commandLine();
        if (rate != null && (rate < 1 || rate > dev.sluice.operations.dlq.DlqRedrive.MAX_RATE)) {
            throw new ParameterException(cli, "--rate must be 1 to " + dev.sluice.operations.dlq.DlqRedrive.MAX_RATE
                    + " messages a second, not " + rate);
        }
        if (cancel && rate != null) {
            throw new ParameterException(cli, "--cancel takes no --rate");
        }
        PrintWriter out = cli.getOut();
        PrintWriter err = cli.getErr();
        try (Deployment deployment = where.open(cli)) {
            var redrive = new dev.sluice.operations.dlq.DlqRedrive(deployment, "cli", Clock.systemUTC(), POLL);
            DeadLetterQueue dlq;
            try {
                dlq = redrive.redrivable(queue);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(cli, e.getMessage());
            }
            if (cancel) {
                Optional<dev.sluice.operations.dlq.DlqRedrive.Progress> cancelled = redrive.cancel(dlq.name());
                if (cancelled.isEmpty()) {
                    err.println("sluice: no redrive of " + dlq.name() + " is running");
                    return 1;
                }
                out.println("cancelled the redrive of " + dlq.name() + ": " + cancelled.get().moved() + " of "
                        + cancelled.get().toMove() + " message(s) had moved");
                return 0;
            }
            boolean terminal = System.console() != null;
            dev.sluice.operations.dlq.DlqRedrive.Progress end;
            try {
                end = redrive.redrive(dlq.name(), rate, progress -> {
                    if (terminal && progress.running()) {
                        err.print("\rredriving " + dlq.name() + ": " + progress.moved() + " of " + progress.toMove()
                                + " moved");
                        err.flush();
                    }
                });
            } catch (dev.sluice.operations.dlq.DlqRedrive.AlreadyRunningException e) {
                err.println("sluice: " + e.getMessage());
                return 1;
            }
            if (terminal) {
                err.println();
            }
            // Not "of toMove": SQS counts those when the task starts, ElasticMQ reports 0 once it is done.
            out.println("redrive of " + dlq.name() + " to " + String.join(", ", dlq.sources()) + " " + end.status()
                    + ": " + end.moved() + " message(s) moved"
                    + (end.failureReason() == null ? "" : " (" + end.failureReason() + ")"));
            return "COMPLETED".equals(end.status()) ? 0 : 1;
        }
    }
}
