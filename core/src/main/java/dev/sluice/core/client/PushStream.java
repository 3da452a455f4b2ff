package dev.sluice.core.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** An open WebSocket to Sluice: every message received, in order, as JSON. */
public final class PushStream implements AutoCloseable {

    private final BlockingQueue<JsonNode> received;
    private final List<JsonNode> passedOver = new ArrayList<>();
    private final WebSocket socket;

    private PushStream(WebSocket socket, BlockingQueue<JsonNode> received) {
        this.socket = socket;
        this.received = received;
    }

    static PushStream open(HttpClient http, URI uri) {
        Listener listener = new Listener();
        WebSocket socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .buildAsync(uri, listener).join();
        return new PushStream(socket, listener.received);
    }

    /** Sends an action: {@code {"action": "resume", "afterSeq": 3}} say. */
    public void send(JsonNode action) {
        socket.sendText(Json.write(action), true).join();
    }

    /** The next message, or null if none came within {@code timeout}. */
    public JsonNode next(Duration timeout) throws InterruptedException {
        return next(m -> true, timeout);
    }

    /**
     * The first message that {@code matches}, or null after {@code timeout}. Messages passed over stay,
     * in order, for later calls.
     */
    public synchronized JsonNode next(Predicate<JsonNode> matches, Duration timeout) throws InterruptedException {
        for (Iterator<JsonNode> it = passedOver.iterator(); it.hasNext(); ) {
            JsonNode message = it.next();
            if (matches.test(message)) {
                it.remove();
                return message;
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            JsonNode message = left <= 0 ? null : received.poll(left, TimeUnit.NANOSECONDS);
            if (message == null || matches.test(message)) {
                return message;
            }
            passedOver.add(message);
        }
    }

    public boolean isOpen() {
        return !socket.isInputClosed();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(5, TimeUnit.SECONDS)
                    .exceptionally(e -> null).join();
        }
        socket.abort();
    }

    private static final class Listener implements WebSocket.Listener {

        private final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                try {
                    received.add(Json.parse(text));
                } catch (RuntimeException notJson) {
                    received.add(Json.MAPPER.getNodeFactory().textNode(text));
                }
            }
            webSocket.request(1);
            return null;
        }
    }
}
