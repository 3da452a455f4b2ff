package dev.sluice.local.dynamodb;

import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBRequestHandler;
import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBServerHandler;
import dev.sluice.local.Loopback;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.util.Callback;

/**
 * DynamoDB: DynamoDB Local's own request handler, file-backed under the state directory so tables
 * survive a restart. It is mounted on a Jetty server of ours because DynamoDB Local's server binds
 * every interface and refuses port 0; ours binds loopback on a port the OS picks. Telemetry stays
 * off: it is only configured by DynamoDB Local's command line, which this never calls.
 */
public final class LocalDynamoDb implements AutoCloseable {

    private final Server server;
    private final LocalDynamoDBServerHandler handler;
    private final URI endpoint;
    private final Map<String, LongAdder> requests;

    private LocalDynamoDb(Server server, LocalDynamoDBServerHandler handler, URI endpoint,
            Map<String, LongAdder> requests) {
        this.server = server;
        this.handler = handler;
        this.endpoint = endpoint;
        this.requests = requests;
    }

    public static LocalDynamoDb start(Path dataDir) throws Exception {
        Files.createDirectories(dataDir);
        // (portForLocalSocket, inMemory, dbPath, sharedDb, delayTransientStatuses): one shared file
        // for every access key and region, so any client sees the same tables.
        var engine = new LocalDynamoDBRequestHandler(0, false, dataDir.toString(), true, false);
        var handler = new LocalDynamoDBServerHandler(engine, null);
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost(Loopback.HOST);
        connector.setPort(0);
        server.addConnector(connector);
        ContextHandler context = new ContextHandler();
        Map<String, LongAdder> requests = new ConcurrentHashMap<>();
        context.setHandler(new Handler.Wrapper(handler) {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                // "DynamoDB_20120810.PutItem": the operation, for counting what a job costs.
                String target = request.getHeaders().get("X-Amz-Target");
                String operation = target == null ? "unknown" : target.substring(target.indexOf('.') + 1);
                requests.computeIfAbsent(operation, o -> new LongAdder()).increment();
                return super.handle(request, response, callback);
            }
        });
        server.setHandler(context);
        server.start();
        return new LocalDynamoDb(server, handler,
                URI.create("http://" + Loopback.HOST + ":" + connector.getLocalPort()), requests);
    }

    public URI endpoint() {
        return endpoint;
    }

    /** Requests served since start: what a benchmark divides by the work done. */
    public long requestCount() {
        return requests.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** Requests served since start, by operation (PutItem, Query...). */
    public Map<String, Long> requestCountsByOperation() {
        Map<String, Long> counts = new TreeMap<>();
        requests.forEach((operation, count) -> counts.put(operation, count.sum()));
        return counts;
    }

    @Override
    public void close() throws IOException {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IOException("DynamoDB Local did not stop cleanly", e);
        } finally {
            handler.close();
        }
    }
}
