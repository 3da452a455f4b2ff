package dev.sluice.workers.ws;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.jobs.Job;
import dev.sluice.core.jobs.JobStore;
import dev.sluice.core.json.Json;
import dev.sluice.workers.config.Setting;
import dev.sluice.workers.http.Caller;
import dev.sluice.workers.priming.Priming;
import dev.sluice.workers.push.Connection;
import dev.sluice.workers.push.Connections;
import dev.sluice.workers.push.ConnectionsApi;
import dev.sluice.workers.push.PushLog;
import dev.sluice.workers.push.PushMessages;
import dev.sluice.workers.push.Pusher;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The WebSocket API's routes. {@code $connect} records the connection of the caller the API's
 * authorizer let in (its {@code requestContext.authorizer}: tenant, user and key; the key came as
 * query {@code apiKey} or header {@code x-api-key}), so that revoking the key can end it; {@code $disconnect} forgets it;
 * {@code $default} answers the actions {@code ping}, {@code resume {"afterSeq"}} (replays, in order,
 * every message the user missed from the 24-hour push log, except the streamed deltas of a job whose
 * outcome it replays too) and {@code subscribe {"jobId"}} (the
 * job's current state, for a client that connected after submitting).
 */
public final class WebSocketHandler
        implements RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> {

    /** Messages replayed by one resume; the reply says whether more are waiting. */
    static final int RESUME_LIMIT = 500;
    private static final Set<String> FINAL_TYPES = Set.of("job.completed", "job.failed");

    private final Connections connections;
    private final PushLog pushLog;
    private final JobStore jobs;
    private final Pusher pusher;
    private final Clock clock;

    public WebSocketHandler() {
        this(AwsClients.fromEnvironment());
    }

    private WebSocketHandler(AwsClients aws) {
        this(aws, aws.build(DynamoDbClient.builder(), "DYNAMODB"));
        Priming.of(WebSocketHandler.class, aws).register(this);
    }

    private WebSocketHandler(AwsClients aws, DynamoDbClient dynamoDb) {
        this(new Connections(dynamoDb, Setting.CONNECTIONS_TABLE.from(aws)),
                new PushLog(dynamoDb, Setting.PUSH_LOG_TABLE.from(aws)),
                new JobStore(dynamoDb, Setting.JOBS_TABLE.from(aws)), aws, Clock.systemUTC());
    }

    private WebSocketHandler(Connections connections, PushLog pushLog, JobStore jobs, AwsClients aws, Clock clock) {
        this(connections, pushLog, jobs, new Pusher(ConnectionsApi.client(aws), connections), clock);
    }

    public WebSocketHandler(Connections connections, PushLog pushLog, JobStore jobs, Pusher pusher, Clock clock) {
        this.connections = connections;
        this.pushLog = pushLog;
        this.jobs = jobs;
        this.pusher = pusher;
        this.clock = clock;
    }

    @Override
    public APIGatewayV2WebSocketResponse handleRequest(APIGatewayV2WebSocketEvent event, Context context) {
        String connectionId = event.getRequestContext().getConnectionId();
        return switch (event.getRequestContext().getRouteKey()) {
            case "$connect" -> connect(event, connectionId);
            case "$disconnect" -> {
                connections.remove(connectionId);
                yield response(200, null);
            }
            default -> response(200, Json.write(action(connectionId, event.getBody())));
        };
    }

    private APIGatewayV2WebSocketResponse connect(APIGatewayV2WebSocketEvent event, String connectionId) {
        Optional<Caller> caller = Caller.fromAuthorizer(event.getRequestContext().getAuthorizer());
        if (caller.isEmpty()) {
            // API Gateway runs $connect only after its authorizer allowed it: this deployment lacks one.
            return response(500, "the connection reached $connect without the caller its authorizer names");
        }
        Caller c = caller.get();
        connections.put(new Connection(connectionId, c.tenantId(), c.userId(), clock.millis(), c.keyId()));
        return response(200, null);
    }

    private ObjectNode action(String connectionId, String body) {
        JsonNode request;
        try {
            request = Json.parse(body == null ? "" : body);
        } catch (RuntimeException e) {
            return error("malformed_json", "a message must be a JSON object with an \"action\"");
        }
        Optional<Connection> connection = connections.get(connectionId);
        if (connection.isEmpty()) {
            return error("unknown_connection", "this connection is not registered; reconnect");
        }
        Connection caller = connection.get();
        return switch (request.path("action").asText("")) {
            case "ping" -> {
                ObjectNode pong = Json.object();
                pong.put("type", "pong");
                pong.put("ts", Instant.ofEpochMilli(clock.millis()).toString());
                yield pong;
            }
            case "resume" -> resume(caller, request);
            case "subscribe" -> subscribe(caller, request);
            default -> error("unknown_action", "action must be one of ping, resume, subscribe");
        };
    }

    private ObjectNode resume(Connection caller, JsonNode request) {
        if (!request.path("afterSeq").canConvertToLong() || request.path("afterSeq").asLong() < 0) {
            return error("invalid_request", "resume needs \"afterSeq\": the last seq this client saw (0 for none)");
        }
        long afterSeq = request.get("afterSeq").asLong();
        List<JsonNode> missed = pushLog.after(caller.tenantId(), caller.userId(), afterSeq, RESUME_LIMIT + 1,
                clock.millis());
        List<JsonNode> page = missed.subList(0, Math.min(RESUME_LIMIT, missed.size()));
        List<JsonNode> replay = withoutSupersededDeltas(page);
        for (JsonNode message : replay) {
            pusher.push(caller.connectionId(), message);
        }
        ObjectNode reply = Json.object();
        reply.put("type", "resumed");
        reply.put("afterSeq", afterSeq);
        reply.put("count", replay.size());
        reply.put("lastSeq", page.isEmpty() ? afterSeq : page.get(page.size() - 1).get("seq").asLong());
        reply.put("more", missed.size() > RESUME_LIMIT);
        return reply;
    }

    /**
     * The page less the {@code job.delta} messages of every job whose outcome it also holds: the outcome
     * carries the whole answer, so its deltas would only cost pushes (a page can hold hundreds).
     */
    private static List<JsonNode> withoutSupersededDeltas(List<JsonNode> page) {
        Set<String> finished = new HashSet<>();
        for (JsonNode message : page) {
            if (FINAL_TYPES.contains(message.path("type").asText())) {
                finished.add(message.path("jobId").asText());
            }
        }
        return page.stream().filter(m -> !("job.delta".equals(m.path("type").asText())
                && finished.contains(m.path("jobId").asText()))).toList();
    }

    private ObjectNode subscribe(Connection caller, JsonNode request) {
        String jobId = request.path("jobId").asText("");
        Optional<Job> job = jobId.isEmpty() ? Optional.empty() : jobs.get(caller.tenantId(), jobId)
                .filter(j -> caller.userId().equals(j.userId()));
        return job.map(j -> PushMessages.status(j, clock.millis()))
                .orElseGet(() -> error("not_found", "no job " + jobId + " of this user"));
    }

    private static ObjectNode error(String code, String message) {
        ObjectNode error = Json.object();
        error.put("type", "error");
        error.put("code", code);
        error.put("message", message);
        return error;
    }

    private static APIGatewayV2WebSocketResponse response(int status, String body) {
        APIGatewayV2WebSocketResponse response = new APIGatewayV2WebSocketResponse();
        response.setStatusCode(status);
        response.setBody(body);
        return response;
    }
}
