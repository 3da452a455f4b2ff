package dev.sluice.local.events;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Which deliveries of the archived events are done, so that a restart delivers exactly the rest:
 * every accepted event reaches every target of every rule it matched at least once, across a crash.
 *
 * <p>Per bus, under {@code <dir>}: {@code <bus>.checkpoint} holds a watermark, the archive offset
 * before which every delivery is done; {@code <bus>.done} lists the deliveries done at or after it,
 * one {@code offset<TAB>rule<TAB>target} line each. The watermark moves up once a second as the oldest
 * outstanding delivery finishes, and the list loses what it passed, so a start reads the archive
 * from the watermark only, never the whole of it.
 */
public final class DeliveryLedger implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(DeliveryLedger.class.getName());
    private static final long CHECKPOINT_MILLIS = 1000;

    /** One target of one rule, the unit of delivery. */
    public record Delivery(String rule, String target) {

        String key() {
            return rule + "\t" + target;
        }
    }

    /** An archived event that still owes deliveries, found at start-up. */
    public record Unfinished(String bus, long offset, String json, List<Delivery> deliveries) {
    }

    private final Path dir;
    private final EventArchive archive;
    private final Map<String, BusLedger> buses = new HashMap<>();
    private final ScheduledExecutorService checkpoints = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("event-ledger").daemon(true).factory());

    public DeliveryLedger(Path dir, EventArchive archive) {
        this.dir = dir;
        this.archive = archive;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        checkpoints.scheduleWithFixedDelay(this::checkpointAll, CHECKPOINT_MILLIS, CHECKPOINT_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    /**
     * Reads what {@code bus} still owes: the events archived from its watermark on, each with the
     * deliveries {@code matcher} finds for it (the rules as they are now) less those already done. They
     * count as outstanding from here on; the caller delivers them.
     */
    public List<Unfinished> recover(String bus, Function<String, List<Delivery>> matcher) {
        BusLedger ledger = ledger(bus);
        synchronized (ledger) {
            List<Unfinished> unfinished = new ArrayList<>();
            for (EventArchive.Archived event : archive.from(bus, ledger.watermark)) {
                List<Delivery> owed;
                try {
                    owed = new ArrayList<>(matcher.apply(event.json()));
                } catch (RuntimeException e) {
                    LOG.log(Level.ERROR, "archived event at " + bus + ":" + event.offset()
                            + " no longer matches any rule cleanly and is not delivered again: " + e);
                    continue;
                }
                Set<String> done = ledger.done.getOrDefault(event.offset(), Set.of());
                owed.removeIf(d -> done.contains(d.key()));
                if (!owed.isEmpty()) {
                    ledger.outstanding.put(event.offset(), keys(owed));
                    unfinished.add(new Unfinished(bus, event.offset(), event.json(), List.copyOf(owed)));
                }
            }
            return unfinished;
        }
    }

    /**
     * Archives an accepted event and records that it owes {@code deliveries}; returns its offset.
     * The two happen together, so no watermark can pass an event whose deliveries are not yet known.
     */
    public long accept(String bus, String eventJson, List<Delivery> deliveries) {
        BusLedger ledger = ledger(bus);
        synchronized (ledger) {
            long offset = archive.append(bus, eventJson);
            if (!deliveries.isEmpty()) {
                ledger.outstanding.put(offset, keys(deliveries));
            }
            return offset;
        }
    }

    /** Records one delivery as done: the target has the event, or its dead-letter queue does. */
    public void done(String bus, long offset, Delivery delivery) {
        BusLedger ledger = ledger(bus);
        synchronized (ledger) {
            Set<String> owed = ledger.outstanding.get(offset);
            if (ledger.closed || owed == null || !owed.remove(delivery.key())) {
                return;
            }
            ledger.done.computeIfAbsent(offset, o -> new HashSet<>()).add(delivery.key());
            try {
                ledger.journal().write(ByteBuffer.wrap((offset + "\t" + delivery.key() + "\n")
                        .getBytes(StandardCharsets.UTF_8)));
            } catch (IOException | UncheckedIOException e) {
                LOG.log(Level.WARNING, "could not record a delivery of " + bus + ":" + offset
                        + " as done; a restart delivers it again: " + e);
            }
            if (owed.isEmpty()) {
                ledger.outstanding.remove(offset);
            }
        }
    }

    /** The watermark of {@code bus} as last written. */
    public long watermark(String bus) {
        BusLedger ledger = ledger(bus);
        synchronized (ledger) {
            return ledger.watermark;
        }
    }

    private void checkpointAll() {
        List<BusLedger> all;
        synchronized (buses) {
            all = List.copyOf(buses.values());
        }
        for (BusLedger ledger : all) {
            try {
                synchronized (ledger) {
                    ledger.checkpoint();
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "checkpoint of bus " + ledger.bus + " failed; it is tried again: " + e);
            }
        }
    }

    private BusLedger ledger(String bus) {
        synchronized (buses) {
            return buses.computeIfAbsent(bus, BusLedger::new);
        }
    }

    private static Set<String> keys(List<Delivery> deliveries) {
        Set<String> keys = new HashSet<>();
        deliveries.forEach(d -> keys.add(d.key()));
        return keys;
    }

    @Override
    public void close() {
        checkpoints.shutdownNow();
        List<BusLedger> all;
        synchronized (buses) {
            all = List.copyOf(buses.values());
        }
        for (BusLedger ledger : all) {
            synchronized (ledger) {
                try {
                    ledger.checkpoint();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "last checkpoint of bus " + ledger.bus + " failed: " + e);
                }
                ledger.closed = true;
                ledger.closeJournal();
            }
        }
    }

    /** One bus's state; guarded by its own monitor. */
    private final class BusLedger {

        final String bus;
        final Path checkpointFile;
        final Path journalFile;
        /** Offset → deliveries still owed, for every event that owes any. */
        final TreeMap<Long, Set<String>> outstanding = new TreeMap<>();
        /** Offset → deliveries done, for events at or after the watermark: what the journal holds. */
        final TreeMap<Long, Set<String>> done = new TreeMap<>();
        long watermark;
        boolean closed;
        private FileChannel journal;

        BusLedger(String bus) {
            this.bus = bus;
            this.checkpointFile = dir.resolve(bus + ".checkpoint");
            this.journalFile = dir.resolve(bus + ".done");
            try {
                if (Files.exists(checkpointFile)) {
                    watermark = Long.parseLong(Files.readString(checkpointFile).trim());
                    readJournal();
                } else {
                    // An archive older than the ledger says nothing of what was delivered: it is taken as
                    // delivered rather than sent to every target again.
                    watermark = archive.exists(bus) ? archive.end(bus) : 0;
                    writeCheckpoint(watermark);
                }
            } catch (IOException | NumberFormatException e) {
                throw new IllegalStateException("cannot read the delivery ledger of bus " + bus + " in " + dir, e);
            }
        }

        private void readJournal() throws IOException {
            if (!Files.exists(journalFile)) {
                return;
            }
            for (String line : Files.readAllLines(journalFile, StandardCharsets.UTF_8)) {
                String[] parts = line.split("\t");
                if (parts.length != 3) {
                    continue; // torn by a crash mid-write: that delivery is simply made again
                }
                long offset = Long.parseLong(parts[0]);
                if (offset >= watermark) {
                    done.computeIfAbsent(offset, o -> new HashSet<>()).add(parts[1] + "\t" + parts[2]);
                }
            }
        }

        /** Moves the watermark up to the oldest event still owing a delivery, and drops what it passed. */
        void checkpoint() {
            if (closed) {
                return;
            }
            long next = outstanding.isEmpty() ? archive.end(bus) : outstanding.firstKey();
            if (next <= watermark) {
                return;
            }
            try {
                // The watermark first: should the process die before the journal is rewritten, the old
                // journal only names deliveries the watermark has already passed.
                writeCheckpoint(next);
                watermark = next;
                done.headMap(next).clear();
                rewriteJournal();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private void writeCheckpoint(long value) throws IOException {
            Path tmp = dir.resolve(bus + ".checkpoint.tmp");
            Files.writeString(tmp, Long.toString(value));
            Files.move(tmp, checkpointFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }

        private void rewriteJournal() throws IOException {
            closeJournal();
            StringBuilder text = new StringBuilder();
            done.forEach((offset, keys) -> keys.forEach(k -> text.append(offset).append('\t').append(k).append('\n')));
            Path tmp = dir.resolve(bus + ".done.tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, journalFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }

        FileChannel journal() throws IOException {
            if (journal == null) {
                journal = FileChannel.open(journalFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.APPEND);
            }
            return journal;
        }

        void closeJournal() {
            if (journal != null) {
                try {
                    journal.close();
                } catch (IOException ignored) {
                    // every line was written when its delivery finished
                }
                journal = null;
            }
        }
    }
}
