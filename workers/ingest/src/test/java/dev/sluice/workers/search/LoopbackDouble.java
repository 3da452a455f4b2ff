package dev.sluice.workers.search;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import javax.net.ssl.SSLContext;

/** An HTTP(S) server on 127.0.0.1 standing in where no real service runs: it records every request, answers as told. */
final class LoopbackDouble implements AutoCloseable {

    /** @param target the raw path and query */
    record Request(String method, String target, Headers headers, String body) {

        String line() {
            return method + " " + target;
        }
    }

    record Answer(int status, String body, String... headers) {

        static Answer json(int status, String body) {
            return new Answer(status, body, "Content-Type", "application/json");
        }
    }

    private final HttpServer server;
    private final String scheme;
    private final List<Request> requests = new ArrayList<>();

    private LoopbackDouble(HttpServer server, String scheme, Function<Request, Answer> answers) {
        this.server = server;
        this.scheme = scheme;
        server.createContext("/", exchange -> {
            try (exchange) {
                URI uri = exchange.getRequestURI();
                Request request = new Request(exchange.getRequestMethod(),
                        uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()),
                        exchange.getRequestHeaders(),
                        new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                synchronized (requests) {
                    requests.add(request);
                }
                Answer answer = answers.apply(request);
                for (int i = 0; i + 1 < answer.headers().length; i += 2) {
                    exchange.getResponseHeaders().add(answer.headers()[i], answer.headers()[i + 1]);
                }
                byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
                boolean empty = body.length == 0 || request.method().equals("HEAD");
                exchange.sendResponseHeaders(answer.status(), empty ? -1 : body.length);
                if (!empty) {
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                }
            }
        });
        server.start();
    }

    static LoopbackDouble http(Function<Request, Answer> answers) {
        try {
            return new LoopbackDouble(HttpServer.create(address(), 0), "http", answers);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static LoopbackDouble https(SSLContext tls, Function<Request, Answer> answers) {
        try {
            HttpsServer server = HttpsServer.create(address(), 0);
            server.setHttpsConfigurator(new HttpsConfigurator(tls));
            return new LoopbackDouble(server, "https", answers);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    URI url() {
        return URI.create(scheme + "://127.0.0.1:" + server.getAddress().getPort());
    }

    List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
