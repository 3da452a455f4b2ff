package dev.sluice.local.apigw;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A WebSocket client as a browser would be one, on the JDK's {@link WebSocket}: it collects what it receives. */
final class WebSocketClient implements WebSocket.Listener {

    static final Duration WAIT = Duration.ofSeconds(10);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    record Close(int statusCode, String reason) {
    }

    private final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
    private final BlockingQueue<byte[]> binaries = new LinkedBlockingQueue<>();
    private final CompletableFuture<Close> closed = new CompletableFuture<>();
    private final StringBuilder partialText = new StringBuilder();
    private WebSocket socket;

    private WebSocketClient() {
    }

    /** Connects, or throws what the handshake failed with (a {@code WebSocketHandshakeException} when refused). */
    static WebSocketClient connect(URI uri) throws Exception {
        WebSocketClient client = new WebSocketClient();
        try {
            client.socket = HTTP.newWebSocketBuilder().buildAsync(uri, client)
                    .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
        return client;
    }

    WebSocket socket() {
        return socket;
    }

    void send(String text) throws Exception {
        socket.sendText(text, true).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    void close(int statusCode, String reason) throws Exception {
        socket.sendClose(statusCode, reason).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    String nextText() throws InterruptedException {
        String text = texts.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(text).as("a text frame within " + WAIT).isNotNull();
        return text;
    }

    byte[] nextBinary() throws InterruptedException {
        byte[] bytes = binaries.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(bytes).as("a binary frame within " + WAIT).isNotNull();
        return bytes;
    }

    /** What the server closed the connection with, waited for. */
    Close awaitClose() throws Exception {
        return closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    boolean isClosed() {
        return closed.isDone();
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partialText.append(data);
        if (last) {
            texts.add(partialText.toString());
            partialText.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        binaries.add(bytes);
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(new Close(statusCode, reason));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.completeExceptionally(error);
    }
}
