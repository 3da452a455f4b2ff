package dev.sluice.cli;

import dev.sluice.cli.where.Where;
import dev.sluice.core.json.Json;
import dev.sluice.operations.audit.AuditLog;
import dev.sluice.operations.deployment.Deployment;
import dev.sluice.operations.dlq.DeadLetterOperations;
import dev.sluice.operations.dlq.DlqSummary;
import dev.sluice.operations.dlq.MessageEditor;
import dev.sluice.operations.dlq.PeekedMessage;
import dev.sluice.operations.dlq.PurgeReport;
import dev.sluice.operations.dlq.ReplayItem;
import dev.sluice.operations.dlq.ReplayListener;
import dev.sluice.operations.dlq.ReplayReport;
import dev.sluice.operations.dlq.ReplayRequest;
import dev.sluice.operations.select.MessagePattern;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sluice dlq list|peek|replay|purge}: see what failed, and put it back or drop it, audited. */
@Command(name = "dlq", mixinStandardHelpOptions = true, description = "The dead-letter queues: list them, peek into"
        + " one, replay its messages to where they failed, purge some.",
        subcommands = {DlqCommand.ListDlqs.class, DlqCommand.Peek.class, DlqCommand.Replay.class,
                DlqCommand.Purge.class, DlqRedrive.class})
final class DlqCommand {

    /** Exit status when the command ran but some message failed (the summary says which). */
    static final int SOME_FAILED = 1;
    static final String VIA = "cli";

    private DlqCommand() {
    }

    static DeadLetterOperations operations(Deployment deployment) {
        Clock clock = Clock.systemUTC();
        return new DeadLetterOperations(deployment, new AuditLog(deployment.dynamoDb(),
                deployment.tableName(AuditLog.TABLE), clock), clock);
    }

    /** A usage error as the one line the issue asks for. */
    static int usage(CommandSpec spec, RuntimeException e) {
        return OperatorConsole.usage(spec, e.getMessage());
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every DLQ of the topology: depth, age of"
            + " the oldest message, source, top failure reasons.")
    static final class ListDlqs implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        Where where;

        @Option(names = "--json", description = "One JSON document instead of a table.")
        boolean json;

        @Override
        public Integer call() {
            try (Deployment deployment = where.open(spec.commandLine())) {
                List<DlqSummary> dlqs = operations(deployment).list();
                PrintWriter out = spec.commandLine().getOut();
                if (json) {
                    out.println(Json.writePretty(dlqs));
                    return 0;
                }
                out.printf("%-20s %-12s %6s %9s %8s  %-28s %s%n", "DLQ", "KIND", "DEPTH", "IN-FLIGHT", "OLDEST",
                        "SOURCE", "TOP REASONS");
                for (DlqSummary d : dlqs) {
                    out.printf("%-20s %-12s %6d %9d %8s  %-28s %s%n", d.name(), d.kind(), d.depth(), d.inFlight(),
                            d.ageOfOldestSeconds() == null ? "-" : age(d.ageOfOldestSeconds()),
                            String.join(",", d.sources()), d.topReasons().stream()
                                    .map(r -> r.code() + " (" + r.count() + ")").collect(Collectors.joining(", ")));
                }
                out.println("(oldest and reasons from up to 100 messages sampled per DLQ, left in place)");
                return 0;
            } catch (IllegalArgumentException e) {
                return usage(spec, e);
            }
        }

        static String age(long seconds) {
            if (seconds < 60) {
                return seconds + "s";
            }
            if (seconds < 3600) {
                return seconds / 60 + "m" + seconds % 60 + "s";
            }
            if (seconds < 86_400) {
                return seconds / 3600 + "h" + seconds % 3600 / 60 + "m";
            }
            return seconds / 86_400 + "d" + seconds % 86_400 / 3600 + "h";
        }
    }

    @Command(name = "peek", mixinStandardHelpOptions = true, description = "Messages of a DLQ, left in it: body, job,"
            + " attributes, receive count, and the failure recorded on the message, the job or the document.")
    static final class Peek implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        Where where;

        @Parameters(index = "0", paramLabel = "QUEUE", description = "The DLQ (see `sluice dlq list`).")
        String queue;

        @Option(names = "--limit", defaultValue = "10", description = "At most this many (default: ${DEFAULT-VALUE}).")
        int limit;

        @Option(names = "--json", description = "One JSON document.")
        boolean json;

        @Override
        public Integer call() {
            if (limit <= 0) {
                return usage(spec, new IllegalArgumentException("--limit must be more than 0, not " + limit));
            }
            try (Deployment deployment = where.open(spec.commandLine())) {
                List<PeekedMessage> messages = operations(deployment).peek(queue, limit);
                PrintWriter out = spec.commandLine().getOut();
                if (json) {
                    out.println(Json.writePretty(messages));
                    return 0;
                }
                for (PeekedMessage m : messages) {
                    out.printf("message %s  (sent %s, received %d time(s), first %s, replayed %d)%n", m.messageId(),
                            m.sentAt(), m.receiveCount(), m.firstReceivedAt(), m.replayCount());
                    if (m.job() != null) {
                        out.printf("  job         %s %s/%s%n", m.job().type(), m.job().tenantId(), m.job().jobId());
                    }
                    PeekedMessage.Failure f = m.failure();
                    out.printf("  failure     %s%s  [from the %s]%s%n", f.code(), f.message() == null ? ""
                            : ": " + f.message(), f.recordedOn(), f.status() == null ? ""
                            : "  " + f.status() + (f.attempts() == null ? "" : ", attempts " + f.attempts())
                                    + (f.retryable() == null ? "" : f.retryable() ? ", retryable" : ", permanent"));
                    if (!m.attributes().isEmpty()) {
                        out.println("  attributes  " + m.attributes().entrySet().stream()
                                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", ")));
                    }
                    out.println("  body        " + m.body());
                }
                out.println(messages.size() + " message(s), left in " + queue);
                return 0;
            } catch (IllegalArgumentException e) {
                return usage(spec, e);
            }
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true, description = "Send messages of a DLQ back where they"
            + " failed (a queue DLQ's to its queue, an EventBridge target DLQ's to that target only, a notifier failure"
            + " to the notifier); each leaves the DLQ once its send succeeded.")
    static final class Replay implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        Where where;

        @Parameters(index = "0", paramLabel = "QUEUE", description = "The DLQ (see `sluice dlq list`).")
        String queue;

        @Option(names = "--match", paramLabel = "PATTERN", description = "An EventBridge event pattern over the"
                + " message body, e.g. '{\"detail\":{\"type\":[\"email.send\"]}}'; default: every message.")
        String match;

        @Option(names = "--rate", paramLabel = "N", description = "At most N messages a second; default: unlimited.")
        Double rate;

        @Option(names = "--limit", paramLabel = "N", description = "At most N messages; default: all that match.")
        Integer limit;

        @Option(names = "--dry-run", description = "Print what would move; change nothing.")
        boolean dryRun;

        @Option(names = "--edit", description = "Open each message in $EDITOR first; an edit is checked against its"
                + " schema, and one that breaks it is not sent.")
        boolean edit;

        @Option(names = "--force", description = "Replay messages replayed --max-replays times already.")
        boolean force;

        @Option(names = "--max-replays", defaultValue = "3", paramLabel = "N", description = "The loop guard: a"
                + " message replayed N times is refused without --force (default: ${DEFAULT-VALUE}).")
        int maxReplays;

        private final MessageEditor editor;

        Replay() {
            this(ExternalEditor.fromEnvironment());
        }

        /** With another editor than {@code $EDITOR} for --edit: a scripted one in tests. */
        Replay(MessageEditor editor) {
            this.editor = editor;
        }

        @Override
        public Integer call() {
            ReplayRequest request;
            try {
                request = new ReplayRequest(MessagePattern.of(match), rate, limit, dryRun, force, maxReplays,
                        edit ? editor : null, VIA);
            } catch (IllegalArgumentException e) {
                return usage(spec, new IllegalArgumentException(e.getMessage().replace("the rate", "--rate")
                        .replace("the limit", "--limit").replace("the maximum number of replays", "--max-replays")));
            }
            PrintWriter out = spec.commandLine().getOut();
            try (Deployment deployment = where.open(spec.commandLine())) {
                ProgressBar progress = new ProgressBar(spec.commandLine().getErr(), System.console() != null);
                ReplayReport report = operations(deployment).replay(queue, request, progress);
                progress.end();
                for (ReplayItem item : report.items()) {
                    switch (item.outcome()) {
                        case WOULD_MOVE -> out.printf("would move %s%s -> %s%n", item.messageId(), job(item),
                                item.destination());
                        case REFUSED -> out.printf("refused    %s%s: %s%n", item.messageId(), job(item), item.reason());
                        case FAILED -> out.printf("failed     %s%s: %s%n", item.messageId(), job(item), item.reason());
                        case MOVED -> {
                        }
                    }
                }
                out.println((dryRun ? "dry run, nothing changed: would have " : "") + report.summary()
                        + (report.auditId() == null ? "" : "  (audit " + report.auditId() + ")"));
                return report.failed() > 0 ? SOME_FAILED : 0;
            } catch (IllegalArgumentException e) {
                return usage(spec, e);
            } catch (IllegalStateException e) {
                spec.commandLine().getErr().println("sluice: " + e.getMessage());
                return SOME_FAILED;
            }
        }

        private static String job(ReplayItem item) {
            return item.jobId() == null ? "" : " (job " + item.jobId() + ")";
        }
    }

    @Command(name = "purge", mixinStandardHelpOptions = true, description = "Delete the messages of a DLQ that match;"
            + " without --yes only count them.")
    static final class Purge implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        Where where;

        @Parameters(index = "0", paramLabel = "QUEUE", description = "The DLQ (see `sluice dlq list`).")
        String queue;

        @Option(names = "--match", required = true, paramLabel = "PATTERN", description = "An EventBridge event"
                + " pattern over the message body: only matches are deleted.")
        String match;

        @Option(names = "--yes", description = "Delete for real; without it, a dry run.")
        boolean yes;

        @Override
        public Integer call() {
            MessagePattern pattern;
            try {
                pattern = MessagePattern.of(match);
            } catch (IllegalArgumentException e) {
                return usage(spec, e);
            }
            try (Deployment deployment = where.open(spec.commandLine())) {
                PurgeReport report = operations(deployment).purge(queue, pattern, !yes, VIA);
                PrintWriter out = spec.commandLine().getOut();
                if (report.dryRun()) {
                    out.println("dry run, nothing deleted: " + report.matched() + " message(s) match, "
                            + report.kept() + " do not; --yes deletes the matches");
                } else {
                    out.println("deleted " + report.deleted() + ", kept " + report.kept() + "  (audit "
                            + report.auditId() + ")");
                }
                return 0;
            } catch (IllegalArgumentException e) {
                return usage(spec, e);
            }
        }
    }

    /** A replay's progress on stderr, only when it is a terminal; overwritten in place. */
    static final class ProgressBar implements ReplayListener {

        private static final int WIDTH = 30;
        private final PrintWriter err;
        private final boolean terminal;
        private int total;
        private int done;

        ProgressBar(PrintWriter err, boolean terminal) {
            this.err = err;
            this.terminal = terminal;
        }

        @Override
        public void chosen(int toSend) {
            total = toSend;
        }

        @Override
        public void done(ReplayItem item) {
            done++;
            if (terminal && total > 0) {
                int filled = WIDTH * done / total;
                err.printf("\rreplay [%s%s] %d/%d", "#".repeat(filled), ".".repeat(WIDTH - filled), done, total);
                err.flush();
            }
        }

        void end() {
            if (terminal && total > 0) {
                err.println();
            }
        }
    }
}
