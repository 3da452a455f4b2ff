package dev.sluice.workers.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.ai.DeltaSink;
import dev.sluice.core.jobs.Job;
import dev.sluice.core.json.Json;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A streamed answer on its way to the job's user: {@code job.delta {jobId, seq, offset, text, ts}}
 * messages, numbered in the user's push log like the job's result, so {@code resume} after a
 * reconnect fills the gap. {@code offset} is where the text starts in the answer, in UTF-16 code
 * units (JavaScript's {@code String.length}): a client appends a delta whose offset is the length it
 * has, skips what it already has, and knows it missed something when the offset is beyond it. A
 * restart (the router retries or falls over after text went out, or the job runs again after an
 * attempt that may have streamed) is {@code job.delta {jobId, seq, reset: true, reason, offset: 0}}:
 * drop what you have, the next text starts at 0.
 *
 * <p>Tokens are coalesced: text is held until {@link #FLUSH_CHARS} have gathered or the first held
 * piece is {@link #FLUSH_AFTER} old (checked as text arrives), then goes as one message, and the
 * rest goes in {@link #finish}. Each message costs a push-log transaction (two items) and a query
 * of the user's connections, so one per token would cost far more than the answer is worth.
 *
 * <p>Nothing here fails the job: the stored result, pushed as {@code job.completed}, is the answer.
 * A push that fails is logged and its text kept to go with the next one (from the same offset: it may
 * have been numbered after all, which a client's skip rule absorbs); after {@link #GIVE_UP_AFTER}
 * failures in a row the job streams no more. Calls may come from any thread (they are serialized).
 */
public final class JobDeltas implements DeltaSink {

    public static final int FLUSH_CHARS = 200;
    public static final Duration FLUSH_AFTER = Duration.ofMillis(250);
    /** One message's text at most: its frame stays well inside API Gateway's 32 KB even if every char is escaped. */
    static final int MAX_MESSAGE_CHARS = 4096;
    static final int GIVE_UP_AFTER = 3;
    /** After a failed push, text waits this long for the next try rather than stall the stream on every token. */
    static final Duration PAUSE_AFTER_FAILURE = Duration.ofSeconds(1);
    private static final Logger LOG = LoggerFactory.getLogger(JobDeltas.class);

    private final PushTarget target;
    private final String tenantId;
    private final String userId;
    private final String jobId;
    private final String correlationId;
    private final Clock clock;
    private final int flushChars;
    private final long flushAfterMillis;

    private final StringBuilder held = new StringBuilder();
    private long heldSince;
    /** Chars of the current answer pushed so far: the offset of the held text. */
    private int offset;
    /** Whether the client may have text of the current answer (a failed push may have been numbered). */
    private boolean textTried;
    /** A reset the client must see before any more text; null when none is owed. */
    private String resetOwed;
    private int failures;
    private long pausedUntil;
    private boolean stopped;

    public JobDeltas(PushTarget target, Job job, Clock clock, int flushChars, Duration flushAfter) {
        this.target = target;
        this.tenantId = job.tenantId();
        this.userId = job.userId() == null ? job.tenantId() : job.userId();
        this.jobId = job.jobId();
        this.correlationId = job.correlationId();
        this.clock = clock;
        this.flushChars = flushChars;
        this.flushAfterMillis = flushAfter.toMillis();
        // An earlier attempt may have streamed part of an answer that this one replaces.
        this.resetOwed = job.attempts() > 1 ? "attempt " + job.attempts() + " starts the answer again" : null;
    }

    /** The deltas of {@code job} with the chosen coalescing. */
    public static JobDeltas forJob(Job job, PushTarget target) {
        return new JobDeltas(target, job, Clock.systemUTC(), FLUSH_CHARS, FLUSH_AFTER);
    }

    /** Whether the job asked for its answer streamed: {@code "stream": true} in its payload. */
    public static boolean requested(JsonNode payload) {
        return payload != null && payload.path("stream").asBoolean(false);
    }

    @Override
    public synchronized void accept(String text) {
        if (stopped || text == null || text.isEmpty()) {
            return;
        }
        long now = clock.millis();
        if (held.isEmpty()) {
            heldSince = now;
        }
        held.append(text);
        if (held.length() >= flushChars || now - heldSince >= flushAfterMillis) {
            flush(now, false);
        }
    }

    /** Text held so far is dropped unsent; a reset goes out only if the client may have seen some of the answer. */
    @Override
    public synchronized void reset(String reason) {
        if (stopped) {
            return;
        }
        held.setLength(0);
        if (textTried || resetOwed != null) {
            resetOwed = reason;
            offset = 0;
            textTried = false;
            flush(clock.millis(), false);
        }
    }

    /**
     * The answer is complete: what is held goes now. Call it before the result is stored, so that every
     * delta is numbered before the result's {@code job.completed}.
     */
    public synchronized void finish() {
        if (!stopped) {
            flush(clock.millis(), true);
        }
    }

    private void flush(long now, boolean last) {
        if (!last && now < pausedUntil) {
            return;
        }
        try {
            if (resetOwed != null) {
                target.push(tenantId, userId, resetMessage(resetOwed, now));
                resetOwed = null;
            }
            while (!held.isEmpty()) {
                int end = cut(held);
                String text = held.substring(0, end);
                textTried = true;
                target.push(tenantId, userId, deltaMessage(offset, text, now));
                offset += end;
                held.delete(0, end);
            }
            failures = 0;
        } catch (RuntimeException e) {
            failures++;
            if (failures >= GIVE_UP_AFTER || last) {
                stopped = true;
                held.setLength(0);
                LOG.atError().setMessage("streaming stopped after " + failures + " failed pushes; the result"
                        + " still comes as job.completed: " + e).addKeyValue("jobId", jobId).log();
            } else {
                pausedUntil = now + PAUSE_AFTER_FAILURE.toMillis();
                LOG.atError().setMessage("a delta push failed; its text goes with the next: " + e)
                        .addKeyValue("jobId", jobId).addKeyValue("offset", offset).log();
            }
        }
    }

    /** The end of the next message's text: all of it, or as much as one message takes without splitting a surrogate pair. */
    private static int cut(CharSequence text) {
        if (text.length() <= MAX_MESSAGE_CHARS) {
            return text.length();
        }
        return Character.isHighSurrogate(text.charAt(MAX_MESSAGE_CHARS - 1)) ? MAX_MESSAGE_CHARS - 1 : MAX_MESSAGE_CHARS;
    }

    private ObjectNode deltaMessage(int at, String text, long now) {
        ObjectNode message = message();
        message.put("offset", at);
        message.put("text", text);
        return stamped(message, now);
    }

    private ObjectNode resetMessage(String reason, long now) {
        ObjectNode message = message();
        message.put("reset", true);
        message.put("reason", reason);
        message.put("offset", 0);
        return stamped(message, now);
    }

    private ObjectNode message() {
        ObjectNode message = Json.object();
        message.put("type", "job.delta");
        message.put("jobId", jobId);
        return message;
    }

    private ObjectNode stamped(ObjectNode message, long now) {
        if (correlationId != null) {
            message.put("correlationId", correlationId);
        }
        message.put("ts", Instant.ofEpochMilli(now).toString());
        return message;
    }
}
