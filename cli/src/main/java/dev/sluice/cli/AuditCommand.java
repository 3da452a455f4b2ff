package dev.sluice.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.cli.where.Durations;
import dev.sluice.cli.where.Where;
import dev.sluice.core.json.Json;
import dev.sluice.operations.audit.AuditLog;
import dev.sluice.operations.audit.AuditRecord;
import dev.sluice.operations.deployment.Deployment;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sluice audit}: who replayed, redrove, retried or purged what, and how it ended. */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "The audit record of operator actions"
        + " (replays, redrives, retries, purges), oldest first; an action whose end was never recorded shows as"
        + " unfinished.")
final class AuditCommand implements Callable<Integer> {

    private static final String UNFINISHED = "unfinished";

    @Spec
    CommandSpec spec;

    @Mixin
    Where where;

    @Option(names = "--since", defaultValue = "24h", converter = Durations.class, description = "How far back:"
            + " 30m, 24h, 7d (default: ${DEFAULT-VALUE}).")
    Duration since;

    @Option(names = "--json", description = "One JSON document instead of a table.")
    boolean json;

    @Override
    public Integer call() {
        var cli = spec.commandLine();
        List<AuditRecord> records;
        try (Deployment deployment = where.open(cli)) {
            Clock clock = Clock.systemUTC();
            records = new AuditLog(deployment.dynamoDb(), deployment.tableName(AuditLog.TABLE), clock)
                    .since(clock.instant().minus(since));
        }
        PrintWriter out = cli.getOut();
        if (json) {
            ArrayNode array = Json.MAPPER.createArrayNode();
            records.forEach(r -> array.add(toJson(r)));
            out.println(Json.writePretty(array));
        } else {
            print(out, records);
        }
        out.flush();
        return 0;
    }

    private static ObjectNode toJson(AuditRecord r) {
        ObjectNode node = Json.object();
        node.put("id", r.id());
        node.put("startedAt", time(r.startedAt()));
        node.put("finishedAt", r.finishedAt() == null ? null : time(r.finishedAt()));
        node.put("principal", r.principal());
        node.put("via", r.via());
        node.put("operation", r.operation());
        node.put("target", r.target());
        node.set("selection", Json.MAPPER.valueToTree(new java.util.TreeMap<>(r.selection())));
        node.set("counts", Json.MAPPER.valueToTree(new java.util.TreeMap<>(r.counts())));
        node.put("outcome", r.unfinished() ? UNFINISHED : r.outcome().name());
        if (r.error() != null) {
            node.put("error", r.error());
        }
        return node;
    }

    private static void print(PrintWriter out, List<AuditRecord> records) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"WHEN", "WHO", "WHAT", "SELECTION", "COUNTS", "OUTCOME"});
        for (AuditRecord r : records) {
            rows.add(new String[] {time(r.startedAt()), r.principal() + (r.via().equals("cli") ? "" : " (" + r.via()
                    + ")"), r.operation() + " " + r.target(), pairs(r.selection()), pairs(r.counts()),
                    r.unfinished() ? UNFINISHED : r.outcome().name() + (r.error() == null ? "" : ": " + r.error())});
        }
        int[] widths = new int[rows.get(0).length];
        rows.forEach(row -> {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        });
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(i == row.length - 1 ? row[i] : String.format("%-" + widths[i] + "s  ", row[i]));
            }
            out.println(line.toString().stripTrailing());
        }
        if (records.isEmpty()) {
            out.println("(no operator action in this period)");
        }
    }

    private static String pairs(Map<String, ?> values) {
        return values.isEmpty() ? "-" : new java.util.TreeMap<>(values).entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
    }

    private static String time(Instant at) {
        return DateTimeFormatter.ISO_INSTANT.format(at.truncatedTo(ChronoUnit.SECONDS));
    }
}
