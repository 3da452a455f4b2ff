package dev.sluice.local.events;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every event accepted on a bus, one JSON line each in {@code <dir>/<bus>.jsonl}, written before
 * any target sees it: whatever delivery does later, the event can be found and replayed. An event's
 * position is the byte offset its line starts at.
 *
 * <p>Each line is encoded here, strictly, before a byte is written: text that is not Unicode (a lone
 * surrogate) is refused alone, and a write that fails is cut off again, so no event can leave the
 * archive unable to take the next one.
 */
public final class EventArchive implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(EventArchive.class.getName());

    /** One archived event and where its line starts. */
    public record Archived(long offset, String json) {
    }

    private final Path dir;
    private final Map<String, FileChannel> files = new HashMap<>();

    public EventArchive(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Appends one event and returns its offset.
     *
     * @throws IllegalArgumentException the event is not Unicode text on one line; nothing was written
     * @throws UncheckedIOException the file could not take it; nothing of it stays in the archive
     */
    public synchronized long append(String bus, String eventJson) {
        ByteBuffer line = encode(eventJson);
        FileChannel file = file(bus);
        long start;
        try {
            start = file.size();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot archive an event of bus " + bus, e);
        }
        try {
            long at = start;
            while (line.hasRemaining()) {
                at += file.write(line, at);
            }
            return start;
        } catch (IOException e) {
            cutBack(bus, file, start);
            throw new UncheckedIOException("cannot archive an event of bus " + bus, e);
        }
    }

    /** Where the next event of {@code bus} will start: the end of its archive. */
    public synchronized long end(String bus) {
        try {
            return file(bus).size();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether anything was ever archived for {@code bus}. */
    public synchronized boolean exists(String bus) {
        return files.containsKey(bus) || Files.exists(path(bus));
    }

    /** The events of {@code bus} from {@code offset} (the start of a line) to the end, oldest first. */
    public synchronized List<Archived> from(String bus, long offset) {
        List<Archived> events = new ArrayList<>();
        if (!exists(bus)) {
            return events;
        }
        try (FileChannel read = FileChannel.open(path(bus), StandardOpenOption.READ)) {
            read.position(offset);
            BufferedReader lines = new BufferedReader(
                    new InputStreamReader(Channels.newInputStream(read), StandardCharsets.UTF_8));
            long at = offset;
            String line;
            while ((line = lines.readLine()) != null) {
                events.add(new Archived(at, line));
                at += line.getBytes(StandardCharsets.UTF_8).length + 1;
            }
            return events;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The archived events of a bus, oldest first. */
    public synchronized List<String> events(String bus) {
        return from(bus, 0).stream().map(Archived::json).toList();
    }

    /** Strict UTF-8 with the line's end, or a refusal that touches nothing. */
    private static ByteBuffer encode(String eventJson) {
        if (eventJson.indexOf('\n') >= 0 || eventJson.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("an archived event must be one line");
        }
        try {
            ByteBuffer bytes = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(eventJson));
            ByteBuffer line = ByteBuffer.allocate(bytes.remaining() + 1);
            line.put(bytes).put((byte) '\n').flip();
            return line;
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("the event is not Unicode text (a lone surrogate?): " + e, e);
        }
    }

    private FileChannel file(String bus) {
        FileChannel file = files.get(bus);
        if (file == null) {
            try {
                file = FileChannel.open(path(bus), StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
                dropTornLine(bus, file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open the archive of bus " + bus, e);
            }
            files.put(bus, file);
        }
        return file;
    }

    /**
     * A line without its end was being written when the process died: it was never acknowledged, so
     * it goes, or the next event would be glued to it.
     */
    private static void dropTornLine(String bus, FileChannel file) throws IOException {
        long size = file.size();
        long end = size;
        ByteBuffer one = ByteBuffer.allocate(1);
        while (end > 0) {
            one.clear();
            file.read(one, end - 1);
            if (one.get(0) == '\n') {
                break;
            }
            end--;
        }
        if (end < size) {
            LOG.log(System.Logger.Level.WARNING, "archive of bus " + bus + " ended in a torn line of "
                    + (size - end) + " bytes, never acknowledged: removed");
            file.truncate(end);
        }
    }

    private static void cutBack(String bus, FileChannel file, long start) {
        try {
            file.truncate(start);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.ERROR, "archive of bus " + bus + " could not be cut back after a failed"
                    + " write; the torn line is removed at the next start: " + e);
        }
    }

    private Path path(String bus) {
        return dir.resolve(bus + ".jsonl");
    }

    @Override
    public synchronized void close() {
        for (FileChannel file : files.values()) {
            try {
                file.close();
            } catch (IOException ignored) {
                // closing at shutdown: every line was written when it was acknowledged
            }
        }
        files.clear();
    }
}
