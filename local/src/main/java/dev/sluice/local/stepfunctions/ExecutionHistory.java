package dev.sluice.local.stepfunctions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.json.Json;
import dev.sluice.local.stepfunctions.asl.HistorySink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The history of one execution, in {@code GetExecutionHistory}'s shape, kept in memory and appended
 * to a JSONL file event by event. Each run (the first, then each redrive) writes through its own
 * sink; once the service ends a run — it finished, {@code StopExecution} aborted it, or the
 * service is closing — events the run's thread still sends are dropped, so nothing follows the
 * terminal event and a closed service writes no more.
 */
final class ExecutionHistory {

    private final Path file;
    private final List<ObjectNode> events;
    private Object currentRun;

    private ExecutionHistory(Path file, List<ObjectNode> events) {
        this.file = file;
        this.events = events;
    }

    static ExecutionHistory create(Path file) {
        return new ExecutionHistory(file, new ArrayList<>());
    }

    /** Reads the file back; a last line torn by a crash mid-append is left out. */
    static ExecutionHistory load(Path file) throws IOException {
        List<ObjectNode> events = new ArrayList<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file)) {
                try {
                    JsonNode event = Json.parse(line);
                    if (event instanceof ObjectNode o) {
                        events.add(o);
                    }
                } catch (IllegalArgumentException torn) {
                    break;
                }
            }
        }
        return new ExecutionHistory(file, events);
    }

    /** Appends an event of the service's own (ExecutionStarted, ExecutionRedriven...). */
    synchronized long append(String type, ObjectNode details) {
        long id = events.size() + 1;
        ObjectNode event = Json.object();
        event.set("timestamp", EpochSeconds.of(Instant.now()));
        event.put("type", type);
        event.put("id", id);
        // Sequential numbering: within Map and Parallel branches AWS links an event to its causal
        // predecessor instead; nothing local reads the link.
        event.put("previousEventId", id - 1);
        if (details != null) {
            event.set(detailsField(type), details);
        }
        try {
            Files.writeString(file, Json.write(event) + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        events.add(event);
        return id;
    }

    /** A sink for the interpreter's events of a new run. */
    synchronized HistorySink beginRun() {
        Object run = new Object();
        currentRun = run;
        return (type, details) -> appendFrom(run, type, details);
    }

    private synchronized long appendFrom(Object run, String type, ObjectNode details) {
        return run == currentRun ? append(type, details) : events.size();
    }

    /** Appends the run's terminal event and closes its sink. */
    synchronized long endRun(String type, ObjectNode details) {
        currentRun = null;
        return append(type, details);
    }

    /** Closes the run's sink without a terminal event: the service is closing under it. */
    synchronized void abandonRun() {
        currentRun = null;
    }

    synchronized List<ObjectNode> events() {
        return List.copyOf(events);
    }

    /**
     * AWS's field for an event type's details: {@code stateEnteredEventDetails} for every
     * {@code *StateEntered}, {@code stateExitedEventDetails} for every {@code *StateExited}, else
     * the type itself: {@code TaskScheduled} → {@code taskScheduledEventDetails}.
     */
    static String detailsField(String type) {
        if (type.endsWith("StateEntered")) {
            return "stateEnteredEventDetails";
        }
        if (type.endsWith("StateExited")) {
            return "stateExitedEventDetails";
        }
        return Character.toLowerCase(type.charAt(0)) + type.substring(1) + "EventDetails";
    }
}
