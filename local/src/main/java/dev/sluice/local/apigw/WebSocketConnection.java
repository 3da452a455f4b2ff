package dev.sluice.local.apigw;

import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;

/**
 * One client's connection: the Jetty endpoint whose frames become route invocations, and what
 * {@code @connections} reports about it. It is listed in {@code open} from the handshake's end
 * until it closes, however it closes; then {@code $disconnect} runs once. Public only because
 * Jetty looks a listener's methods up with a public lookup; nothing outside the package makes one.
 */
public final class WebSocketConnection implements Session.Listener.AutoDemanding {

    private static final System.Logger LOG = System.getLogger(WebSocketConnection.class.getName());

    private final String id;
    private final Instant connectedAt;
    private final String sourceIp;
    private final String userAgent;
    private final Integration integration;
    private final ConcurrentMap<String, WebSocketConnection> open;
    private final Executor invocations;
    private final ScheduledExecutorService timers;
    private final Duration maxDuration;
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private volatile Instant lastActiveAt;
    /** Completes when Jetty opens the session, which may come just after the client saw its handshake. */
    private final CompletableFuture<Session> opened = new CompletableFuture<>();
    private volatile ScheduledFuture<?> expiry;

    WebSocketConnection(String sourceIp, String userAgent, Integration integration,
            ConcurrentMap<String, WebSocketConnection> open, Executor invocations, ScheduledExecutorService timers,
            Duration maxDuration) {
        this.id = ApiGatewayIds.next();
        this.connectedAt = Instant.now();
        this.lastActiveAt = connectedAt;
        this.sourceIp = sourceIp;
        this.userAgent = userAgent;
        this.integration = integration;
        this.open = open;
        this.invocations = invocations;
        this.timers = timers;
        this.maxDuration = maxDuration;
    }

    String id() {
        return id;
    }

    Instant connectedAt() {
        return connectedAt;
    }

    Instant lastActiveAt() {
        return lastActiveAt;
    }

    String sourceIp() {
        return sourceIp;
    }

    /** Null when the client sent none. */
    String userAgent() {
        return userAgent;
    }

    /** Completes once the connection has closed and its {@code $disconnect} has run. */
    CompletableFuture<Void> ended() {
        return ended;
    }

    /**
     * {@code $connect} accepted the connection: it is registered now, before Jetty opens the session,
     * so a {@code PostToConnection} made as soon as the client's handshake completes waits for the
     * session instead of finding no connection (and answering 410). An upgrade that never opens is
     * forgotten after {@code openGrace}.
     */
    void accepted(Duration openGrace) {
        open.put(id, this);
        timers.schedule(() -> {
            if (!opened.isDone()) {
                open.remove(id, this);
            }
        }, openGrace.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void onWebSocketOpen(Session session) {
        opened.complete(session);
        expiry = timers.schedule(() -> close(StatusCode.SHUTDOWN, "Going away"), maxDuration.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void onWebSocketText(String message) {
        received(message, false);
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        String body = Base64.getEncoder().encodeToString(BufferUtil.toArray(payload));
        callback.succeed();
        received(body, true);
    }

    /**
     * Each message is its own invocation, run beside the connection's reading as API Gateway runs
     * them: a slow function delays neither the next message nor the idle timer.
     */
    private void received(String body, boolean base64) {
        lastActiveAt = Instant.now();
        invocations.execute(() -> integration.message(this, body, base64).ifPresent(this::send));
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        // Jetty closes the connection after any error, and onWebSocketClose reports how.
        LOG.log(Level.DEBUG, "connection " + id + ": " + cause);
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
        open.remove(id, this);
        ScheduledFuture<?> pending = expiry;
        if (pending != null) {
            pending.cancel(false);
        }
        String disconnectReason = statusCode == StatusCode.NO_CODE && (reason == null || reason.isEmpty())
                ? "Client-side close frame status not set"
                : reason == null ? "" : reason;
        try {
            invocations.execute(() -> {
                try {
                    integration.disconnect(this, statusCode, disconnectReason);
                } finally {
                    ended.complete(null);
                }
            });
        } catch (RejectedExecutionException shuttingDown) {
            ended.complete(null);
        }
    }

    /** A text frame to the client; fails if the connection is closed or closes before it is written. */
    CompletableFuture<Void> send(String text) {
        return send(new Integration.Reply(text, false));
    }

    private CompletableFuture<Void> send(Integration.Reply reply) {
        return opened.thenCompose(session -> {
            Callback.Completable sent = new Callback.Completable();
            if (reply.base64()) {
                session.sendBinary(ByteBuffer.wrap(Base64.getDecoder().decode(reply.body())), sent);
            } else {
                session.sendText(reply.body(), sent);
            }
            return sent;
        });
    }

    void close(int statusCode, String reason) {
        opened.thenAccept(session -> session.close(statusCode, reason, Callback.NOOP));
    }
}
