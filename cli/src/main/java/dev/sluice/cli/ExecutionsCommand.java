package dev.sluice.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.sluice.cli.OperatorConsole.UsageException;
import dev.sluice.cli.where.Where;
import dev.sluice.core.json.Json;
import dev.sluice.operations.deployment.Deployment;
import dev.sluice.operations.deployment.UnknownResourceException;
import dev.sluice.operations.executions.ExecutionHistory;
import dev.sluice.operations.executions.ExecutionSummary;
import dev.sluice.operations.executions.Executions;
import dev.sluice.operations.executions.StateVisit;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.InvalidArnException;

/** {@code sluice executions list|history|redrive}: the Step Functions executions of the topology. */
@Command(name = "executions", mixinStandardHelpOptions = true, description = "See and redrive state machine"
        + " executions.", subcommands = {ExecutionsCommand.ListExecutions.class, ExecutionsCommand.History.class,
                ExecutionsCommand.Redrive.class})
final class ExecutionsCommand {

    private ExecutionsCommand() {
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Executions of the topology's state"
            + " machines, newest first.")
    static final class ListExecutions implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        Where where;

        @Option(names = "--status", description = "RUNNING, SUCCEEDED, FAILED, TIMED_OUT or ABORTED")
        String status;

        @Option(names = "--since", paramLabel = "DURATION", description = "Started within: 30m, 24h, 7d.")
        String since;

        @Option(names = "--machine", paramLabel = "NAME", description = "One state machine of the topology.")
        String machine;

        @Option(names = "--json", description = "One JSON document on stdout.")
        boolean json;

        @Override
        public Integer call() {
            try {
                ExecutionStatus filter = status == null ? null : ExecutionStatus.fromValue(status);
                if (status != null && (filter == ExecutionStatus.UNKNOWN_TO_SDK_VERSION
                        || filter == ExecutionStatus.PENDING_REDRIVE)) {
                    throw new UsageException("--status \"" + status + "\" is not one of RUNNING, SUCCEEDED, FAILED,"
                            + " TIMED_OUT, ABORTED");
                }
                var from = OperatorConsole.since(since);
                try (Deployment deployment = OperatorConsole.open(where, spec)) {
                    List<ExecutionSummary> found;
                    try {
                        found = new Executions(deployment, Clock.systemUTC()).list(machine, filter, from);
                    } catch (UnknownResourceException e) {
                        throw new UsageException(e.getMessage());
                    }
                    PrintWriter out = spec.commandLine().getOut();
                    if (json) {
                        ArrayNode all = Json.MAPPER.createArrayNode();
                        found.forEach(e -> all.add(e.toJson()));
                        out.println(Json.writePretty(Json.object().set("executions", all)));
                    } else {
                        for (ExecutionSummary e : found) {
                            out.printf("%-9s  %-24s  %-24s  %-16s  %s%s%n", e.status(), e.start(),
                                    e.stop() == null ? "-" : e.stop(), e.machine(), e.executionArn(),
                                    e.documentId() == null ? "" : "  document " + e.documentId());
                        }
                    }
                    spec.commandLine().getErr().printf("%d execution(s)%n", found.size());
                    return 0;
                }
            } catch (UsageException e) {
                return OperatorConsole.usage(spec, e.getMessage());
            }
        }
    }

    @Command(name = "history", mixinStandardHelpOptions = true, description = "An execution state by state:"
            + " entered, exited, duration, retries, errors and the Catch taken.")
    static final class History implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        Where where;

        @Parameters(paramLabel = "ARN")
        String executionArn;

        @Option(names = "--json", description = "One JSON document on stdout.")
        boolean json;

        @Override
        public Integer call() {
            try (Deployment deployment = OperatorConsole.open(where, spec)) {
                ExecutionHistory history;
                try {
                    history = new Executions(deployment, Clock.systemUTC()).history(executionArn);
                } catch (ExecutionDoesNotExistException | InvalidArnException e) {
                    throw new UsageException("no execution " + executionArn + ": " + e.awsErrorDetails().errorMessage());
                }
                PrintWriter out = spec.commandLine().getOut();
                if (json) {
                    out.println(Json.writePretty(history.toJson()));
                    return 0;
                }
                out.printf("%s  %s%s%n", history.status(), history.executionArn(),
                        history.redrives() > 0 ? "  (redriven " + history.redrives() + "x)" : "");
                for (StateVisit v : history.states()) {
                    Duration d = v.duration();
                    out.printf("  %-20s %-8s %-24s %-24s %8s  %s%s%n", v.name(), v.type(), v.entered(),
                            v.exited() == null ? "-" : v.exited(), d == null ? "-" : d.toMillis() + " ms",
                            v.retries() > 0 ? v.retries() + " retries" : "",
                            v.caughtTo() != null ? "  caught → " + v.caughtTo() : "");
                    v.errors().forEach(e -> out.println("      error: " + e));
                }
                if (history.error() != null) {
                    out.println("  execution " + history.status() + ": " + history.error());
                }
                return 0;
            } catch (UsageException e) {
                return OperatorConsole.usage(spec, e.getMessage());
            }
        }
    }

    @Command(name = "redrive", mixinStandardHelpOptions = true, description = "RedriveExecution of an execution"
            + " that failed outside a Catch (one that failed through its Catch: `sluice documents retry`).")
    static final class Redrive implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        Where where;

        @Parameters(paramLabel = "ARN")
        String executionArn;

        @Override
        public Integer call() {
            try (Deployment deployment = OperatorConsole.open(where, spec)) {
                try {
                    new Executions(deployment, Clock.systemUTC()).redrive(executionArn, "cli");
                } catch (ExecutionDoesNotExistException | InvalidArnException e) {
                    throw new UsageException("no execution " + executionArn + ": " + e.awsErrorDetails().errorMessage());
                } catch (Executions.NotRedrivableException e) {
                    throw new UsageException(e.getMessage());
                }
                spec.commandLine().getOut().println("redriven " + executionArn);
                return 0;
            } catch (UsageException e) {
                return OperatorConsole.usage(spec, e.getMessage());
            }
        }
    }
}
