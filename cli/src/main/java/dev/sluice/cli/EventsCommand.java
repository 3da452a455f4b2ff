package dev.sluice.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.cli.OperatorConsole.UsageException;
import dev.sluice.cli.where.LocalDeployment;
import dev.sluice.cli.where.StackDeployment;
import dev.sluice.cli.where.Where;
import dev.sluice.core.json.Json;
import dev.sluice.core.topology.RuleSpec;
import dev.sluice.operations.deployment.Deployment;
import dev.sluice.operations.deployment.UnknownResourceException;
import dev.sluice.operations.events.ArchiveReplay;
import dev.sluice.operations.events.ArchiveReplayOnAws;
import dev.sluice.operations.events.ReplayWindow;
import dev.sluice.operations.select.MessagePattern;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.eventbridge.model.DescribeReplayResponse;
import software.amazon.awssdk.services.eventbridge.model.ReplayState;
import software.amazon.awssdk.services.eventbridge.model.StartReplayRequest;

/** {@code sluice events replay}: events from a bus's archive back to its rules' targets. */
@Command(name = "events", mixinStandardHelpOptions = true, description = "Replay archived events.",
        subcommands = EventsCommand.Replay.class)
final class EventsCommand {

    private EventsCommand() {
    }

    @Command(name = "replay", mixinStandardHelpOptions = true, description = "Replay the events of a time window"
            + " from the bus's archive to its rules (or one rule): locally from the runtime's archive, on AWS with"
            + " StartReplay.")
    static final class Replay implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        Where where;

        @Option(names = "--from", required = true, paramLabel = "TIME", description = "ISO-8601, inclusive.")
        String from;

        @Option(names = "--to", required = true, paramLabel = "TIME", description = "ISO-8601, exclusive.")
        String to;

        @Option(names = "--rule", paramLabel = "NAME", description = "Only this rule's targets.")
        String rule;

        @Option(names = "--bus", paramLabel = "NAME", defaultValue = "sluice-jobs",
                description = "The bus (default ${DEFAULT-VALUE}).")
        String bus;

        @Option(names = "--match", paramLabel = "PATTERN", description = "Only events matching this EventBridge"
                + " pattern too (local only: StartReplay has no such filter).")
        String match;

        @Option(names = "--dry-run", description = "Print what would be replayed; replay nothing.")
        boolean dryRun;

        @Override
        public Integer call() throws InterruptedException {
            try {
                ReplayWindow window;
                try {
                    window = new ReplayWindow(bus, OperatorConsole.instant("--from", from),
                            OperatorConsole.instant("--to", to), rule, MessagePattern.of(match));
                } catch (IllegalArgumentException e) {
                    throw new UsageException(e.getMessage());
                }
                try (Deployment deployment = OperatorConsole.open(where, spec)) {
                    try {
                        deployment.busName(bus);
                        window.rules(deployment.topology().rules());
                    } catch (UnknownResourceException e) {
                        throw new UsageException(e.getMessage());
                    }
                    return switch (deployment) {
                        case LocalDeployment local -> local(local, window);
                        case StackDeployment stack -> onAws(stack, window);
                        default -> throw new UsageException("events replay works on a local or a deployed stack");
                    };
                }
            } catch (UsageException e) {
                return OperatorConsole.usage(spec, e.getMessage());
            }
        }

        private int local(LocalDeployment deployment, ReplayWindow window) {
            ArchiveReplay replay = new ArchiveReplay(deployment,
                    deployment.stateDir().resolve("events").resolve("archive"), Clock.systemUTC());
            PrintWriter out = spec.commandLine().getOut();
            if (dryRun) {
                List<ArchiveReplay.Delivery> chosen = replay.choose(window);
                chosen.forEach(d -> out.printf("%s  %s  %s/%s%n", d.time(), d.eventId(), d.rule(), d.target().id()));
                spec.commandLine().getErr().printf("dry run: %d delivery(ies) would be made; nothing was replayed%n",
                        chosen.size());
                return 0;
            }
            ArchiveReplay.Report report = replay.replay(window, "cli");
            report.chosen().forEach(d -> out.printf("%s  %s  %s/%s%n", d.time(), d.eventId(), d.rule(),
                    d.target().id()));
            report.failures().forEach(f -> spec.commandLine().getErr().println("failed: " + f));
            spec.commandLine().getErr().printf("replay %s: %d delivered, %d failed%n", report.replayName(),
                    report.delivered(), report.failures().size());
            return report.failures().isEmpty() ? 0 : 1;
        }

        private int onAws(StackDeployment stack, ReplayWindow window) throws InterruptedException {
            ArchiveReplayOnAws.Arns arns;
            StartReplayRequest request;
            try {
                arns = arns(stack, window);
                request = ArchiveReplayOnAws.request(window, ArchiveReplay.replayName(Instant.now()), arns,
                        stack.topology().rules());
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            if (dryRun) {
                spec.commandLine().getOut().println(Json.writePretty(describe(request)));
                spec.commandLine().getErr().println("dry run: this StartReplay request was not sent");
                return 0;
            }
            DescribeReplayResponse last = new ArchiveReplayOnAws(stack, Clock.systemUTC(), Duration.ofSeconds(5))
                    .replay(window, arns, "cli", r -> OperatorConsole.progress(spec, r.stateAsString()
                            + (r.eventLastReplayedTime() == null ? "" : "  replayed up to " + r.eventLastReplayedTime())));
            spec.commandLine().getOut().printf("replay %s %s%s%n", last.replayName(), last.stateAsString(),
                    last.stateReason() == null ? "" : ": " + last.stateReason());
            return last.state() == ReplayState.COMPLETED ? 0 : 1;
        }

        /** The archive, bus and rule ARNs from the stack's outputs ({@code archive:BUS}, {@code rule:NAME}). */
        static ArchiveReplayOnAws.Arns arns(StackDeployment stack, ReplayWindow window) {
            String archiveArn = stack.output("archive", window.bus());
            // arn:aws:events:REGION:ACCOUNT:archive/NAME -> the bus in the same account and region
            String busArn = archiveArn.substring(0, archiveArn.lastIndexOf(":") + 1) + "event-bus/"
                    + stack.busName(window.bus());
            Map<String, String> rules = new LinkedHashMap<>();
            if (window.rule() != null) {
                for (RuleSpec r : window.rules(stack.topology().rules())) {
                    rules.put(r.name(), stack.output("rule", r.name()));
                }
            }
            return new ArchiveReplayOnAws.Arns(archiveArn, busArn, rules);
        }

        /** The request as the API reference writes it: what a dry run shows. */
        static ObjectNode describe(StartReplayRequest request) {
            ObjectNode o = Json.object().put("ReplayName", request.replayName())
                    .put("Description", request.description()).put("EventSourceArn", request.eventSourceArn())
                    .put("EventStartTime", request.eventStartTime().toString())
                    .put("EventEndTime", request.eventEndTime().toString());
            ObjectNode destination = o.putObject("Destination").put("Arn", request.destination().arn());
            if (request.destination().hasFilterArns()) {
                ArrayNode filters = destination.putArray("FilterArns");
                request.destination().filterArns().forEach(filters::add);
            }
            return o;
        }
    }
}
