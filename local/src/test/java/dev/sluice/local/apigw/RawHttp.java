package dev.sluice.local.apigw;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 written by hand on a socket, for what a real client refuses to send: malformed escapes,
 * and requests that stop halfway.
 */
final class RawHttp implements AutoCloseable {

    /** What the server answered: status -1 when it closed the connection without an answer. */
    record Response(int status, Map<String, String> headers, String body) {

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final Socket socket;

    private RawHttp(Socket socket) {
        this.socket = socket;
    }

    static RawHttp open(URI endpoint) throws IOException {
        return new RawHttp(new Socket(endpoint.getHost(), endpoint.getPort()));
    }

    /** Sends one request with {@code Connection: close} and reads the whole answer. */
    static Response exchange(URI endpoint, String method, String target, Duration patience) throws IOException {
        try (RawHttp http = open(endpoint)) {
            http.send(method + " " + target + " HTTP/1.1\r\nHost: " + endpoint.getAuthority()
                    + "\r\nConnection: close\r\n\r\n");
            return http.response(patience);
        }
    }

    void send(String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
    }

    /**
     * Reads one answer, complete by its length, or until the server closes the connection; either
     * must happen within {@code patience}.
     */
    Response response(Duration patience) throws IOException {
        socket.setSoTimeout((int) patience.toMillis());
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[8192];
        long deadline = System.nanoTime() + patience.toNanos();
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                received.write(buffer, 0, n);
                if (complete(received.toString(StandardCharsets.ISO_8859_1))) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the server kept the connection open for more than " + patience);
                }
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server neither answered nor closed the connection within " + patience
                    + "; received so far: " + received.toString(StandardCharsets.ISO_8859_1));
        } catch (IOException reset) {
            // a reset after or instead of the answer: what was received is the answer
        }
        return parse(received.toString(StandardCharsets.ISO_8859_1));
    }

    private static boolean complete(String text) {
        int headEnd = text.indexOf("\r\n\r\n");
        if (headEnd < 0) {
            return false;
        }
        Response head = parse(text);
        String length = head.header("Content-Length");
        if (length != null) {
            return text.length() - headEnd - 4 >= Integer.parseInt(length);
        }
        return "chunked".equalsIgnoreCase(head.header("Transfer-Encoding")) && text.endsWith("0\r\n\r\n");
    }

    private static Response parse(String text) {
        if (text.isEmpty()) {
            return new Response(-1, Map.of(), "");
        }
        int headEnd = text.indexOf("\r\n\r\n");
        String[] lines = (headEnd < 0 ? text : text.substring(0, headEnd)).split("\r\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        return new Response(Integer.parseInt(lines[0].split(" ")[1]), headers,
                headEnd < 0 ? "" : text.substring(headEnd + 4));
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
