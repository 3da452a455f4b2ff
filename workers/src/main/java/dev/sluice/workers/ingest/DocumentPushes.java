package dev.sluice.workers.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.amazonaws.services.lambda.runtime.Context;
import dev.sluice.core.json.Json;
import dev.sluice.workers.idempotency.Idempotency;
import dev.sluice.workers.logging.JsonLog;
import dev.sluice.workers.push.Connection;
import dev.sluice.workers.push.Connections;
import dev.sluice.workers.push.PushLog;
import dev.sluice.workers.push.Pusher;
import java.time.Clock;
import java.time.Instant;

/**
 * Tells the uploader how ingestion goes, over the WebSocket: {@code document.progress} as each
 * stage passes, then {@code document.ready} or {@code document.failed}. The end message is
 * numbered in the user's push log like a job result, once per upload however often its step is
 * retried, so a client that was away catches up with {@code resume}. Progress is only news while
 * it happens: it goes to the connections open at the time and is not logged, which also spares
 * every stage two writes.
 */
public final class DocumentPushes {

    private final PushLog pushLog;
    private final Connections connections;
    private final Pusher pusher;
    private final Idempotency idempotency;
    private final JsonLog log;
    private final Clock clock;

    public DocumentPushes(PushLog pushLog, Connections connections, Pusher pusher, Idempotency idempotency,
            JsonLog log, Clock clock) {
        this.pushLog = pushLog;
        this.connections = connections;
        this.pusher = pusher;
        this.idempotency = idempotency;
        this.log = log;
        this.clock = clock;
    }

    /**
     * Best effort: a progress message that cannot be sent is logged, never a reason to fail (and so
     * redo) the step it reports on. The end messages are not: see {@link #ready} and {@link #failed}.
     */
    public void progress(Upload upload, String stage, long done, long total, Context context) {
        ObjectNode message = message("document.progress", upload);
        message.put("stage", stage);
        message.put("done", done);
        message.put("total", total);
        try {
            send(upload, message);
        } catch (RuntimeException e) {
            log.error("progress push failed: " + e, context, java.util.Map.of("documentId", upload.documentId(),
                    "tenantId", upload.tenantId(), "stage", stage));
        }
    }

    public void ready(Upload upload, int chunks, Context context) throws Exception {
        ObjectNode message = message("document.ready", upload);
        message.put("status", "READY");
        message.put("chunks", chunks);
        end(upload, message, context);
    }

    public void failed(Upload upload, String code, String reason, Context context) throws Exception {
        ObjectNode message = message("document.failed", upload);
        message.put("status", "FAILED");
        ObjectNode error = message.putObject("error");
        error.put("code", code);
        error.put("message", reason);
        end(upload, message, context);
    }

    private void end(Upload upload, ObjectNode message, Context context) throws Exception {
        if (pushLog == null) {
            throw new IllegalStateException("built for progress pushes only: no push log to number " + message.get("type"));
        }
        ObjectNode numbered = idempotency.once("document#" + upload.tenantId() + "#" + upload.documentId() + "#"
                + upload.version() + "#" + message.get("type").asText(), null, context, ObjectNode.class,
                () -> pushLog.append(upload.tenantId(), upload.userId(), message, clock.millis()));
        send(upload, numbered);
    }

    private ObjectNode message(String type, Upload upload) {
        ObjectNode message = Json.object();
        message.put("type", type);
        message.put("documentId", upload.documentId());
        message.put("key", upload.key());
        message.put("ts", Instant.ofEpochMilli(clock.millis()).toString());
        return message;
    }

    private void send(Upload upload, ObjectNode message) {
        for (Connection c : connections.ofUser(upload.tenantId(), upload.userId(), clock.millis())) {
            pusher.push(c.connectionId(), message);
        }
    }
}
