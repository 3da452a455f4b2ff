package dev.sluice.local.apigw;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.topology.ApiSpec;
import dev.sluice.core.topology.AuthorizerSpec;
import dev.sluice.local.AwsIdentity;
import dev.sluice.local.Loopback;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.eclipse.jetty.websocket.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import software.amazon.awssdk.auth.credentials.AwsCredentials;

/**
 * An API Gateway WebSocket API on loopback: clients connect at {@code ws://127.0.0.1:PORT/{stage}},
 * every route ({@code $connect}, {@code $disconnect}, {@code $default}, and any a message's
 * {@code action} names) invokes one function with API Gateway's Lambda proxy events, and the same
 * port serves the SigV4-signed {@code @connections} API a notifier uses to reach the clients.
 *
 * <p>With an authorizer, a handshake is first put to it as API Gateway does: refused 401 (an identity
 * source missing, or the function failing {@code Unauthorized}), 403 (denied) or 500 (the function
 * failed); let through, its context reaches {@code $connect} as {@code requestContext.authorizer}.
 * A connection is authorized once: ending it when its key is revoked is the application's business.
 */
public final class LocalWebSocketApi implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(LocalWebSocketApi.class.getName());
    /** How long close() waits for the clients to close and their {@code $disconnect}s to run. */
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(10);
    /** How long an accepted upgrade may take to open before its connection is forgotten. */
    private static final Duration OPEN_GRACE = Duration.ofSeconds(10);

    private final String stage;
    private final Server server;
    private final ServerConnector connector;
    private final ConcurrentMap<String, WebSocketConnection> open = new ConcurrentHashMap<>();
    private final ExecutorService invocations = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("websocket-api-timers").daemon(true).factory());
    private final Limits limits;
    private final Integration integration;
    private final WebSocketEvents events;
    private final LambdaAuthorizer authorizer;
    private final String connectArn;

    private LocalWebSocketApi(String stage, Limits limits, Server server, ServerConnector connector,
            Integration integration, WebSocketEvents events, LambdaAuthorizer authorizer, String connectArn) {
        this.stage = stage;
        this.limits = limits;
        this.server = server;
        this.connector = connector;
        this.integration = integration;
        this.events = events;
        this.authorizer = authorizer;
        this.connectArn = connectArn;
    }

    /**
     * Serves on 127.0.0.1, on a port the OS picks; every route invokes {@code function} through
     * {@code invoker}. {@code routes} are the API's route keys; a message goes to the one its JSON
     * {@code action} names, else to {@code $default}. Management requests must be signed with
     * {@code accepted} for service {@code execute-api} in {@code region}.
     */
    public static LocalWebSocketApi start(String apiId, String stage, String function, Set<String> routes,
            FunctionInvoker invoker, AwsCredentials accepted, String region, Limits limits) throws Exception {
        return start(new ApiSpec(apiId, ApiSpec.Protocol.WEBSOCKET, stage, function, List.copyOf(routes)),
                new AwsIdentity(region, AwsIdentity.LOCAL.accountId()), invoker, accepted, limits, Clock.systemUTC());
    }

    /** The API as declared, its authorizer included; management requests are signed for {@code identity}'s region. */
    public static LocalWebSocketApi start(ApiSpec spec, AwsIdentity identity, FunctionInvoker invoker,
            AwsCredentials accepted, Limits limits, Clock clock) throws Exception {
        String apiId = spec.name();
        String stage = spec.stage();
        String region = identity.region();
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost(Loopback.HOST);
        connector.setPort(0);
        server.addConnector(connector);
        // Bound before the server starts, so events can name the address clients connect to.
        connector.open();
        WebSocketEvents events = new WebSocketEvents(apiId, stage, Loopback.HOST + ":" + connector.getLocalPort());
        Integration integration = new Integration(spec.function(), Set.copyOf(spec.routes()), invoker, events);
        LambdaAuthorizer authorizer = spec.authorizer() == null ? null
                : new LambdaAuthorizer(spec.authorizer(), invoker, clock);
        LocalWebSocketApi api = new LocalWebSocketApi(stage, limits, server, connector, integration, events,
                authorizer, "arn:aws:execute-api:" + region + ":" + identity.accountId() + ":" + apiId + "/" + stage
                        + "/$connect");
        try {
            api.serve(new SigV4Verifier(accepted, region, Clock.systemUTC()));
        } catch (Exception e) {
            api.close();
            throw e;
        }
        return api;
    }

    private void serve(SigV4Verifier verifier) throws Exception {
        WebSocketUpgradeHandler upgrades = WebSocketUpgradeHandler.from(server, container -> {
            container.setIdleTimeout(limits.idleTimeout());
            container.setMaxTextMessageSize(limits.maxMessageBytes());
            container.setMaxBinaryMessageSize(limits.maxMessageBytes());
            container.setMaxFrameSize(limits.maxFrameBytes());
            container.addMapping("/" + stage, this::handshake);
        });
        upgrades.setHandler(new ConnectionsApi(stage, open, verifier, limits.maxMessageBytes()));
        server.setHandler(upgrades);
        server.start();
    }

    /**
     * Runs {@code $connect}; a status other than 2xx refuses the handshake with that status. A query
     * string that does not decode refuses it with 400 before {@code $connect} runs.
     */
    private Object handshake(ServerUpgradeRequest request, ServerUpgradeResponse response, Callback callback) {
        Map<String, List<String>> query;
        try {
            query = QueryString.parse(request.getHttpURI().getQuery());
        } catch (QueryString.UndecodableException e) {
            LOG.log(Level.DEBUG, "handshake refused: {0}", e.getMessage());
            return refuse(response, callback, 400);
        }
        WebSocketConnection connection = new WebSocketConnection(Request.getRemoteAddr(request),
                request.getHeaders().get("User-Agent"), integration, open, invocations, timers,
                limits.maxConnectionDuration());
        Map<String, List<String>> headers = headers(request);
        ObjectNode authorized = null;
        if (authorizer != null) {
            List<String> identity = authorizer.spec().sources().stream().map(source -> {
                List<String> values = source.location() == AuthorizerSpec.IdentitySource.Location.HEADER
                        ? headers.entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase(source.name()))
                                .map(Map.Entry::getValue).findFirst().orElse(null)
                        : query.get(source.name());
                return values == null || values.isEmpty() ? null : values.getLast();
            }).toList();
            switch (authorizer.authorize(identity, connectArn,
                    () -> events.authorizer(connection, headers, query, connectArn))) {
                case LambdaAuthorizer.Refused refused -> {
                    LOG.log(Level.DEBUG, "handshake refused by the authorizer: {0}", refused.type());
                    return refuse(response, callback, refused.type().defaultStatus());
                }
                case LambdaAuthorizer.Allowed allowed -> authorized = allowed.authorizer();
            }
        }
        int status = integration.connect(connection, headers, query, authorized);
        if (status / 100 == 2) {
            connection.accepted(OPEN_GRACE);
            return connection;
        }
        return refuse(response, callback, status);
    }

    private static Object refuse(ServerUpgradeResponse response, Callback callback, int status) {
        response.setStatus(status);
        response.write(true, BufferUtil.EMPTY_BUFFER, callback);
        return null;
    }

    private static Map<String, List<String>> headers(Request request) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (HttpField field : request.getHeaders()) {
            headers.computeIfAbsent(field.getName(), n -> new ArrayList<>()).add(field.getValue());
        }
        return headers;
    }

    public URI webSocketUrl() {
        return URI.create("ws://" + Loopback.HOST + ":" + connector.getLocalPort() + "/" + stage);
    }

    /** The {@code @connections} endpoint, as a notifier is given {@code https://{api}.execute-api.{region}.amazonaws.com/{stage}}. */
    public URI managementUrl() {
        return URI.create("http://" + Loopback.HOST + ":" + connector.getLocalPort() + "/" + stage);
    }

    public int openConnections() {
        return open.size();
    }

    /** Closes every connection as API Gateway does when it goes away (1001), running their {@code $disconnect}s, then stops. */
    @Override
    public void close() throws Exception {
        List<WebSocketConnection> connections = List.copyOf(open.values());
        connections.forEach(c -> c.close(StatusCode.SHUTDOWN, "Going away"));
        long deadline = System.nanoTime() + CLOSE_GRACE.toNanos();
        for (WebSocketConnection c : connections) {
            try {
                c.ended().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                LOG.log(Level.WARNING, "connection {0} did not close within {1}", c.id(), CLOSE_GRACE);
            }
        }
        invocations.shutdown();
        if (!invocations.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            invocations.shutdownNow();
        }
        timers.shutdownNow();
        server.stop();
    }
}
