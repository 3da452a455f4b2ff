package dev.sluice.local.events;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every event accepted on a bus, one JSON line each in {@code <dir>/<bus>.jsonl}, written before
 * any target sees it: whatever delivery does later, the event can be found and replayed.
 */
public final class EventArchive implements AutoCloseable {

    private final Path dir;
    private final Map<String, BufferedWriter> writers = new HashMap<>();

    public EventArchive(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public synchronized void append(String bus, String eventJson) {
        try {
            BufferedWriter w = writers.get(bus);
            if (w == null) {
                w = Files.newBufferedWriter(file(bus), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
                writers.put(bus, w);
            }
            w.write(eventJson);
            w.newLine();
            w.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot archive an event of bus " + bus, e);
        }
    }

    /** The archived events of a bus, oldest first. */
    public synchronized List<String> events(String bus) {
        Path file = file(bus);
        try {
            return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path file(String bus) {
        return dir.resolve(bus + ".jsonl");
    }

    @Override
    public synchronized void close() {
        for (BufferedWriter w : writers.values()) {
            try {
                w.close();
            } catch (IOException ignored) {
                // closing at shutdown: every line was flushed when written
            }
        }
        writers.clear();
    }
}
