package dev.sluice.operations.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.json.Json;
import dev.sluice.core.topology.RuleSpec;
import dev.sluice.core.topology.TargetSpec;
import dev.sluice.operations.audit.AuditLog;
import dev.sluice.operations.audit.AuditRecord;
import dev.sluice.operations.deployment.Deployment;
import dev.sluice.operations.dlq.ReplayDestination;
import dev.sluice.operations.select.MessagePattern;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code sluice events replay} against the local runtime: its archive ({@code <bus>.jsonl} under the
 * archive directory, one event per line, every event the bus accepted) read for the window, each
 * chosen event delivered to the targets of the rules it matches, once per (event, rule target), as
 * EventBridge delivers a replay: the event unchanged but for the {@code replay-name} field it adds.
 * Audited {@code events.replay}; a dry run delivers and records nothing.
 */
public final class ArchiveReplay {

    public static final String OPERATION = "events.replay";
    private static final Logger LOG = LoggerFactory.getLogger(ArchiveReplay.class);
    private static final java.time.format.DateTimeFormatter NAME_TIME = java.time.format.DateTimeFormatter
            .ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(java.time.ZoneOffset.UTC);

    /** One event for one rule target. */
    public record Delivery(String eventId, Instant time, String rule, TargetSpec target, String eventJson) {
    }

    /** What a replay chose and did. */
    public record Report(String replayName, List<Delivery> chosen, long delivered, List<String> failures,
            AuditRecord audit) {
    }

    private final Deployment deployment;
    private final Path archiveDir;
    private final AuditLog audit;
    private final Clock clock;

    public ArchiveReplay(Deployment deployment, Path archiveDir, Clock clock) {
        this.deployment = deployment;
        this.archiveDir = archiveDir;
        this.audit = new AuditLog(deployment.dynamoDb(), deployment.tableName(AuditLog.TABLE), clock);
        this.clock = clock;
    }

    /** The (event, rule target) pairs the window chooses, in archive order. */
    public List<Delivery> choose(ReplayWindow window) {
        deployment.busName(window.bus());
        List<RuleSpec> rules = window.rules(deployment.topology().rules());
        Map<RuleSpec, MessagePattern> patterns = new LinkedHashMap<>();
        rules.forEach(r -> patterns.put(r, MessagePattern.of(r.eventPattern())));
        List<Delivery> chosen = new ArrayList<>();
        Path file = archiveDir.resolve(window.bus() + ".jsonl");
        if (!Files.exists(file)) {
            return chosen;
        }
        try (Stream<String> lines = Files.lines(file)) {
            lines.forEach(line -> {
                Instant time = timeOf(line);
                if (time == null || time.isBefore(window.from()) || !time.isBefore(window.to())
                        || !window.match().matches(line)) {
                    return;
                }
                patterns.forEach((rule, pattern) -> {
                    if (pattern.matches(line)) {
                        for (TargetSpec target : rule.targets()) {
                            chosen.add(new Delivery(Json.parse(line).path("id").asText(), time, rule.name(), target,
                                    line));
                        }
                    }
                });
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the archive " + file, e);
        }
        return chosen;
    }

    /**
     * Delivers what {@link #choose} chose, audited; a failed delivery is counted and the rest go on.
     *
     * @param via {@code cli} or {@code admin-api}
     */
    public Report replay(ReplayWindow window, String via) {
        List<Delivery> chosen = choose(window);
        String name = replayName(clock.instant());
        Map<String, String> selection = selection(window);
        selection.put("replayName", name);
        AuditRecord started = audit.begin(OPERATION, deployment.principal(), via, "bus:" + window.bus(), selection,
                false);
        long delivered = 0;
        List<String> failures = new ArrayList<>();
        for (Delivery d : chosen) {
            try {
                // Counted as a replay where the target can carry it (a queue's SluiceReplayCount), like a DLQ replay.
                ReplayDestination.of(d.target(), deployment).send(deployment, withReplayName(d.eventJson(), name),
                        Map.of(), 1);
                delivered++;
            } catch (RuntimeException e) {
                LOG.warn("replay of event {} to {}/{} failed: {}", d.eventId(), d.rule(), d.target().id(), e.toString());
                failures.add(d.eventId() + " → " + d.rule() + "/" + d.target().id() + ": " + e.getMessage());
            }
        }
        Map<String, Long> counts = new TreeMap<>(Map.of("chosen", (long) chosen.size(), "delivered", delivered,
                "failed", (long) failures.size()));
        AuditRecord finished = audit.finish(started, failures.isEmpty() ? AuditRecord.Outcome.SUCCEEDED
                : AuditRecord.Outcome.PARTIAL, counts, failures.isEmpty() ? null : failures.get(0));
        return new Report(name, chosen, delivered, failures, finished);
    }

    /** What the audit records of the selection. */
    public static Map<String, String> selection(ReplayWindow window) {
        Map<String, String> selection = new LinkedHashMap<>();
        selection.put("from", window.from().toString());
        selection.put("to", window.to().toString());
        selection.put("rule", window.rule() == null ? "*" : window.rule());
        window.match().text().ifPresent(p -> selection.put("match", p));
        return selection;
    }

    /** Names allow {@code [.\-_A-Za-z0-9]}, 64 at most. */
    public static String replayName(Instant at) {
        return "sluice-" + NAME_TIME.format(at);
    }

    /** The event as EventBridge delivers it in a replay: with the replay's name at the top. */
    static String withReplayName(String eventJson, String replayName) {
        ObjectNode event = (ObjectNode) Json.parse(eventJson);
        event.put("replay-name", replayName);
        return Json.write(event);
    }

    private static Instant timeOf(String line) {
        try {
            JsonNode time = Json.parse(line).get("time");
            return time == null ? null : Instant.parse(time.asText());
        } catch (IllegalArgumentException | DateTimeParseException unreadable) {
            return null;
        }
    }
}
