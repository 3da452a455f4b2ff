package dev.sluice.workers.ai.cache;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;

/**
 * A warning that a storm would repeat on every call (a cache store down under load): the first is logged, then at
 * most one per interval, saying how many were left out since the last.
 */
final class QuietLog {

    private final Logger log;
    private final Clock clock;
    private final Duration interval;
    private Instant last;
    private long leftOut;

    QuietLog(Logger log, Clock clock, Duration interval) {
        this.log = log;
        this.clock = clock;
        this.interval = interval;
    }

    synchronized void warn(String what, Throwable cause) {
        Instant now = clock.instant();
        if (last != null && now.isBefore(last.plus(interval))) {
            leftOut++;
            return;
        }
        if (leftOut > 0) {
            log.warn("{}: {} ({} more like it since {} not logged)", what, cause.toString(), leftOut, last);
        } else {
            log.warn("{}: {}", what, cause.toString());
        }
        last = now;
        leftOut = 0;
    }
}
