package dev.sluice.cli.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One loopback endpoint for every service a handler calls in the bundles benchmark: it answers each
 * request {@code 200 {}} at once. A handler's calls then cost what they cost on the client side
 * (marshalling, signing, the HTTP exchange, unmarshalling) and each handler takes whatever path an
 * empty answer leads it down, the same with and without priming.
 */
final class LoopbackStub implements AutoCloseable {

    private static final byte[] EMPTY_JSON = "{}".getBytes(StandardCharsets.UTF_8);

    private final HttpServer server;
    private final AtomicLong requests = new AtomicLong();

    LoopbackStub() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, EMPTY_JSON.length);
            exchange.getResponseBody().write(EMPTY_JSON);
            exchange.close();
        });
        server.start();
    }

    /** {@code host:port} */
    String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    long requests() {
        return requests.get();
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
