package dev.sluice.local.apigw;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.json.Json;
import dev.sluice.core.topology.UsagePlanSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Usage plans enforced per API key, as API Gateway does: a token bucket per key (refilled at the
 * plan's {@code rateLimit} per second, holding at most {@code burstLimit}, full at first) and a count
 * per key and quota period (UTC: a day, an ISO week from Monday, or a calendar month). A request is
 * refused QUOTA_EXCEEDED when the period's quota is used up, else THROTTLED when the bucket is
 * empty; only a request let through counts, whatever its integration then answers.
 *
 * <p>The counts are kept in {@code usage.json} under the gateway's state directory, rewritten
 * (atomically) within {@link #FLUSH_INTERVAL} of a change and on close: a restart keeps them, and a
 * crash loses at most the last interval's counts. Buckets are in memory only: after a restart every
 * key starts with a full one.
 */
public final class UsageMeter implements AutoCloseable {

    public static final String FILE = "usage.json";
    public static final Duration FLUSH_INTERVAL = Duration.ofSeconds(1);
    private static final System.Logger LOG = System.getLogger(UsageMeter.class.getName());

    enum Admission { ADMITTED, THROTTLED, QUOTA_EXCEEDED }

    /** One key's count under one plan in one period: what {@code sluice keys list} shows. */
    public record Usage(String plan, String usageKey, String period, long used) {
    }

    private record Id(String plan, String usageKey) {
    }

    /** A key's bucket and count under one plan; guarded by its own lock. */
    private static final class Meter {
        double tokens = Double.NaN;
        long refilledAt;
        String period;
        long used;
    }

    private final Path file;
    private final Clock clock;
    private final Map<Id, Meter> meters = new ConcurrentHashMap<>();
    private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("usage-meter-flush").daemon(true).factory());
    private volatile boolean dirty;

    private UsageMeter(Path file, Clock clock) {
        this.file = file;
        this.clock = clock;
    }

    /** Where the gateway keeps its state under a runtime's state directory: a folder per API. */
    public static Path root(Path stateDir) {
        return stateDir.resolve("apigateway");
    }

    /** Where the counts of API {@code api} are kept under a runtime's state directory. */
    public static Path dir(Path stateDir, String api) {
        return root(stateDir).resolve(api);
    }

    /** The meter whose counts live in {@code dir}, with the counts a previous run left there. */
    public static UsageMeter open(Path dir, Clock clock) throws IOException {
        Files.createDirectories(dir);
        UsageMeter meter = new UsageMeter(dir.resolve(FILE), clock);
        for (Usage u : read(dir)) {
            Meter m = new Meter();
            m.period = u.period();
            m.used = u.used();
            meter.meters.put(new Id(u.plan(), u.usageKey()), m);
        }
        meter.flusher.scheduleWithFixedDelay(meter::flushIfDirty, FLUSH_INTERVAL.toMillis(),
                FLUSH_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        return meter;
    }

    /** The counts kept in {@code dir}, none if there are none yet. */
    public static List<Usage> read(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.exists(file)) {
            return List.of();
        }
        List<Usage> usage = new ArrayList<>();
        for (JsonNode u : Json.parse(Files.readString(file)).path("usage")) {
            usage.add(new Usage(u.get("plan").asText(), u.get("usageKey").asText(), u.get("period").asText(),
                    u.get("used").asLong()));
        }
        return usage;
    }

    /** Takes one request of {@code usageKey} under {@code plan} if the plan lets it through, and counts it. */
    Admission admit(UsagePlanSpec plan, String usageKey) {
        Meter m = meters.computeIfAbsent(new Id(plan.name(), usageKey), id -> new Meter());
        long now = clock.millis();
        synchronized (m) {
            if (plan.quota() != null) {
                String period = period(plan.quota().period(), now);
                if (!period.equals(m.period)) {
                    m.period = period;
                    m.used = 0;
                }
                if (m.used >= plan.quota().limit()) {
                    return Admission.QUOTA_EXCEEDED;
                }
            }
            if (plan.throttle() != null) {
                UsagePlanSpec.Throttle t = plan.throttle();
                if (Double.isNaN(m.tokens)) {
                    m.tokens = t.burstLimit();
                } else {
                    m.tokens = Math.min(t.burstLimit(), m.tokens + (now - m.refilledAt) * t.rateLimit() / 1000.0);
                }
                m.refilledAt = now;
                if (m.tokens < 1) {
                    return Admission.THROTTLED;
                }
                m.tokens -= 1;
            }
            if (plan.quota() != null) {
                m.used++;
                dirty = true;
            }
            return Admission.ADMITTED;
        }
    }

    /** The quota period {@code millis} falls in: {@code 2026-12-02}, {@code 2026-W49} or {@code 2026-12}. */
    static String period(UsagePlanSpec.Period period, long millis) {
        ZonedDateTime t = java.time.Instant.ofEpochMilli(millis).atZone(ZoneOffset.UTC);
        return switch (period) {
            case DAY -> t.toLocalDate().toString();
            case WEEK -> String.format("%d-W%02d", t.get(IsoFields.WEEK_BASED_YEAR), t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
            case MONTH -> t.format(DateTimeFormatter.ofPattern("uuuu-MM"));
        };
    }

    private void flushIfDirty() {
        if (dirty) {
            try {
                flush();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "usage counts not saved, trying again: " + e);
            }
        }
    }

    /** Writes every count to {@code usage.json}, replacing it whole. */
    synchronized void flush() {
        dirty = false;
        ObjectNode root = Json.object();
        ArrayNode usage = root.putArray("usage");
        meters.forEach((id, m) -> {
            synchronized (m) {
                if (m.period != null) {
                    usage.addObject().put("plan", id.plan()).put("usageKey", id.usageKey()).put("period", m.period)
                            .put("used", m.used);
                }
            }
        });
        try {
            Path temp = file.resolveSibling(FILE + ".tmp");
            Files.writeString(temp, Json.write(root));
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            dirty = true;
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        flusher.shutdownNow();
        flush();
    }
}
