package dev.sluice.local.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.core.json.Json;
import dev.sluice.local.Loopback;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The CloudWatch agent's part, locally: the functions' metrics library sends its EMF documents here
 * (its agent environment: one JSON line per document over TCP, {@link #agentEndpoint()}), and what
 * they add up to is served at {@link #url()} in Prometheus's text format. Nothing reaches the
 * console. Counts start at zero with each start of the runtime, as a Prometheus target's do.
 */
public final class LocalMetrics implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(LocalMetrics.class.getName());

    private final PrometheusMetrics metrics = new PrometheusMetrics();
    private final ServerSocket agent;
    private final HttpServer http;
    private final ExecutorService threads = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("metrics-agent-", 0).factory());
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();

    private LocalMetrics(ServerSocket agent, HttpServer http) {
        this.agent = agent;
        this.http = http;
    }

    public static LocalMetrics start() throws IOException {
        ServerSocket agent = new ServerSocket(0, 50, Loopback.address());
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(Loopback.address(), 0), 16);
        } catch (IOException e) {
            agent.close();
            throw e;
        }
        LocalMetrics local = new LocalMetrics(agent, http);
        http.setExecutor(local.threads);
        http.createContext("/metrics", local::serve);
        http.start();
        local.threads.execute(local::accept);
        return local;
    }

    /** Where a function's metrics library sends its documents: its {@code AWS_EMF_AGENT_ENDPOINT}. */
    public URI agentEndpoint() {
        return URI.create("tcp://" + Loopback.HOST + ":" + agent.getLocalPort());
    }

    /** The Prometheus endpoint. */
    public URI url() {
        return URI.create("http://" + Loopback.HOST + ":" + http.getAddress().getPort() + "/metrics");
    }

    private void accept() {
        while (!agent.isClosed()) {
            try {
                Socket connection = agent.accept();
                connections.add(connection);
                threads.execute(() -> read(connection));
            } catch (IOException e) {
                if (!agent.isClosed()) {
                    LOG.log(System.Logger.Level.WARNING, "metrics agent: accept failed: " + e);
                }
            }
        }
    }

    private void read(Socket connection) {
        try (connection; BufferedReader in = new BufferedReader(new InputStreamReader(connection.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.isBlank()) {
                    continue;
                }
                boolean added;
                try {
                    added = metrics.add(Json.parse(line));
                } catch (RuntimeException e) {
                    added = false;
                }
                if (!added) {
                    LOG.log(System.Logger.Level.WARNING, "metrics agent: not an EMF document, ignored: "
                            + line.substring(0, Math.min(200, line.length())));
                }
            }
        } catch (IOException e) {
            // The sender went away, or the runtime is stopping; the library reconnects when it writes again.
        } finally {
            connections.remove(connection);
        }
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body = metrics.render().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            boolean head = exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(200, head ? -1 : body.length == 0 ? -1 : body.length);
            if (!head && body.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    @Override
    public void close() {
        http.stop(0);
        try {
            agent.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket connection : connections) {
            try {
                connection.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        threads.shutdownNow();
    }
}
