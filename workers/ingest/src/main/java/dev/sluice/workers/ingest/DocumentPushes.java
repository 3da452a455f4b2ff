package dev.sluice.workers.ingest;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.json.Json;
import dev.sluice.workers.idempotency.Idempotency;
import dev.sluice.workers.idempotency.exception.IdempotencyAlreadyInProgressException;
import dev.sluice.workers.idempotency.exception.IdempotencyPersistenceException;
import dev.sluice.workers.push.Connection;
import dev.sluice.workers.push.Connections;
import dev.sluice.workers.push.PushLog;
import dev.sluice.workers.push.Pusher;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Tells the uploader how ingestion goes, over the WebSocket: {@code document.progress} as each
 * stage passes, then {@code document.ready} or {@code document.failed}. The end message is
 * numbered in the user's push log like a job result, once per upload however often its step is
 * retried, so a client that was away catches up with {@code resume}. Progress is only news while
 * it happens: it goes to the connections open at the time and is not logged, which also spares
 * every stage two writes.
 *
 * <p>Nothing here throws: the end message goes out after the document's state is written, and a
 * message that cannot be numbered or delivered must not undo that state (a READY document failed
 * because a connection answered 500). What goes wrong is logged.
 */
public final class DocumentPushes {

    private static final Logger LOG = LoggerFactory.getLogger(DocumentPushes.class);

    private final PushLog pushLog;
    private final Connections connections;
    private final Pusher pusher;
    private final Idempotency idempotency;
    private final Clock clock;

    public DocumentPushes(PushLog pushLog, Connections connections, Pusher pusher, Idempotency idempotency,
            Clock clock) {
        this.pushLog = pushLog;
        this.connections = connections;
        this.pusher = pusher;
        this.idempotency = idempotency;
        this.clock = clock;
    }

    /**
     * Best effort: a progress message that cannot be sent is logged, never a reason to fail (and so
     * redo) the step it reports on.
     */
    public void progress(Upload upload, String stage, long done, long total, Context context) {
        ObjectNode message = message("document.progress", upload);
        message.put("stage", stage);
        message.put("done", done);
        message.put("total", total);
        send(upload, message, context);
    }

    public void ready(Upload upload, int chunks, Context context) {
        ObjectNode message = message("document.ready", upload);
        message.put("status", "READY");
        message.put("chunks", chunks);
        end(upload, message, context);
    }

    public void failed(Upload upload, String code, String reason, Context context) {
        ObjectNode message = message("document.failed", upload);
        message.put("status", "FAILED");
        ObjectNode error = message.putObject("error");
        error.put("code", code);
        error.put("message", reason);
        end(upload, message, context);
    }

    private void end(Upload upload, ObjectNode message, Context context) {
        if (pushLog == null) {
            throw new IllegalStateException("built for progress pushes only: no push log to number " + message.get("type"));
        }
        ObjectNode numbered = numbered(upload, message, context);
        send(upload, numbered == null ? message : numbered, context);
    }

    /** The message as numbered in the push log, once per upload; null if it could not be numbered. */
    private ObjectNode numbered(Upload upload, ObjectNode message, Context context) {
        String type = message.get("type").asText();
        try {
            return idempotency.once("document#" + upload.tenantId() + "#" + upload.documentId() + "#"
                    + upload.version() + "#" + type, null, context, ObjectNode.class,
                    () -> pushLog.append(upload.tenantId(), upload.userId(), message, clock.millis()));
        } catch (IdempotencyAlreadyInProgressException numbering) {
            // A concurrent run of the step is numbering it right now; a second number would be a duplicate.
            log(upload, type).setMessage("the end message is being numbered by another run").log();
            return null;
        } catch (IdempotencyPersistenceException storeDown) {
            // A client that was away must still find the end: number it unguarded (it may then be numbered twice).
            log(upload, type).setMessage("the idempotency store failed; numbering the end message without it: "
                    + storeDown).log();
        } catch (Exception e) {
            logError(upload, type).setMessage("numbering the end message failed: " + e).log();
            return null;
        }
        try {
            return pushLog.append(upload.tenantId(), upload.userId(), message, clock.millis());
        } catch (RuntimeException e) {
            logError(upload, type).setMessage("numbering the end message failed: " + e).log();
            return null;
        }
    }

    private ObjectNode message(String type, Upload upload) {
        ObjectNode message = Json.object();
        message.put("type", type);
        message.put("documentId", upload.documentId());
        message.put("key", upload.key());
        if (upload.correlationId() != null) {
            message.put("correlationId", upload.correlationId());
        }
        message.put("ts", Instant.ofEpochMilli(clock.millis()).toString());
        return message;
    }

    /** To each of the user's connections; one that fails does not keep the message from the others. */
    private void send(Upload upload, ObjectNode message, Context context) {
        String type = message.get("type").asText();
        List<Connection> open;
        try {
            open = connections.ofUser(upload.tenantId(), upload.userId(), clock.millis());
        } catch (RuntimeException e) {
            logError(upload, type).setMessage("finding the user's connections failed: " + e).log();
            return;
        }
        for (Connection c : open) {
            try {
                pusher.push(c.connectionId(), message);
            } catch (RuntimeException e) {
                logError(upload, type).setMessage("push failed: " + e).addKeyValue("connectionId", c.connectionId())
                        .log();
            }
        }
    }

    private static LoggingEventBuilder log(Upload upload, String type) {
        return about(LOG.atInfo(), upload, type);
    }

    private static LoggingEventBuilder logError(Upload upload, String type) {
        return about(LOG.atError(), upload, type);
    }

    // A step's lines carry the upload's ids already; the sweeper's too, but these say it whoever calls.
    private static LoggingEventBuilder about(LoggingEventBuilder line, Upload upload, String type) {
        return line.addKeyValue("documentId", upload.documentId()).addKeyValue("tenantId", upload.tenantId())
                .addKeyValue("type", type);
    }
}
