package dev.sluice.workers.notify;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.jobs.JobStatus;
import dev.sluice.core.jobs.JobStore;
import dev.sluice.core.json.Json;
import dev.sluice.workers.config.Setting;
import dev.sluice.workers.logging.LogContext;
import dev.sluice.workers.priming.Priming;
import dev.sluice.workers.push.Connection;
import dev.sluice.workers.push.Connections;
import dev.sluice.workers.push.ConnectionsApi;
import dev.sluice.workers.push.PushLog;
import dev.sluice.workers.push.PushMessages;
import dev.sluice.workers.push.Pusher;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Pushes every "Job Completed" / "Job Failed" event to the job's user: numbers it in the user's push
 * log, then posts it to each of the user's open connections. A user with no connection finds it
 * later with {@code resume}.
 *
 * <p>The push-log append commits with the job row's acknowledgement ({@link JobStore#announcementReceived}),
 * which is also what makes a repeat of the event (EventBridge delivers at least once, the sweeper
 * announces again until acknowledged) log and push nothing. A connection that cannot be reached is
 * logged and passed over, never a reason to fail the others or the invocation: the message is in
 * the log for {@code resume}. An invocation that fails (the log cannot be written) is retried by
 * Lambda and then lands in the function's on-failure destination.
 */
public final class Notifier implements RequestStreamHandler {

    private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);

    private final PushLog pushLog;
    private final JobStore jobs;
    private final Connections connections;
    private final Pusher pusher;
    private final Clock clock;

    public Notifier() {
        this(AwsClients.fromEnvironment());
    }

    private Notifier(AwsClients aws) {
        this(aws, aws.build(DynamoDbClient.builder(), "DYNAMODB"));
        Priming.of(Notifier.class, aws).register(this);
    }

    private Notifier(AwsClients aws, DynamoDbClient dynamoDb) {
        this(new PushLog(dynamoDb, Setting.PUSH_LOG_TABLE.from(aws)), new JobStore(dynamoDb, Setting.JOBS_TABLE.from(aws)),
                new Connections(dynamoDb, Setting.CONNECTIONS_TABLE.from(aws)), ConnectionsApi.client(aws),
                Clock.systemUTC());
    }

    public Notifier(PushLog pushLog, JobStore jobs, Connections connections,
            ApiGatewayManagementApiClient client, Clock clock) {
        this.pushLog = pushLog;
        this.jobs = jobs;
        this.connections = connections;
        this.pusher = new Pusher(client, connections);
        this.clock = clock;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode event = Json.MAPPER.readTree(input);
        JsonNode detail = event.get("detail");
        String tenantId = detail.get("tenantId").asText();
        String userId = detail.path("userId").asText(tenantId);
        String jobId = detail.get("jobId").asText();
        try (LogContext invocation = LogContext.invocation(context);
                LogContext job = LogContext.job(tenantId, jobId, detail.path("correlationId").asText(null))) {
            notify(detail, event, tenantId, userId, jobId, output);
        }
    }

    private void notify(JsonNode detail, JsonNode event, String tenantId, String userId, String jobId,
            OutputStream output) throws IOException {
        JobStatus status = JobStatus.valueOf(detail.get("status").asText());
        Optional<ObjectNode> appended = pushLog.append(tenantId, userId,
                PushMessages.fromJobEvent(detail, event.path("time").asText()), clock.millis(),
                jobs.announcementReceived(tenantId, jobId, status));
        if (appended.isEmpty()) {
            LOG.atInfo().setMessage("outcome already pushed, or the job moved on: nothing to do")
                    .addKeyValue("status", status.name()).log();
            output.write("{\"seq\":null,\"delivered\":0}".getBytes(StandardCharsets.UTF_8));
            return;
        }
        ObjectNode message = appended.get();
        int delivered = 0;
        int failed = 0;
        for (Connection c : connections.ofUser(tenantId, userId, clock.millis())) {
            try {
                if (pusher.push(c.connectionId(), message)) {
                    delivered++;
                }
            } catch (RuntimeException e) {
                failed++;
                LOG.atError().setMessage("push to a connection failed; it can resume: " + e)
                        .addKeyValue("connectionId", c.connectionId()).log();
            }
        }
        LOG.atInfo().setMessage("pushed " + message.get("type").asText()).addKeyValue("seq", message.get("seq").asText())
                .addKeyValue("connections", delivered).addKeyValue("failedConnections", failed).log();
        output.write(Json.write(Map.of("seq", message.get("seq").asLong(), "delivered", delivered))
                .getBytes(StandardCharsets.UTF_8));
    }
}
