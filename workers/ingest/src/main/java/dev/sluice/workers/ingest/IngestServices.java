package dev.sluice.workers.ingest;

import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.documents.DocumentStore;
import dev.sluice.workers.config.S3Access;
import dev.sluice.workers.config.Setting;
import dev.sluice.workers.idempotency.DynamoDbIdempotencyStore;
import dev.sluice.workers.idempotency.Idempotency;
import dev.sluice.workers.idempotency.IdempotencyConfig;
import dev.sluice.workers.metrics.Metrics;
import dev.sluice.workers.push.Connections;
import dev.sluice.workers.push.ConnectionsApi;
import dev.sluice.workers.push.PushLog;
import dev.sluice.workers.push.Pusher;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** What every ingestion step uses: the document rows, the S3 side, the pushes, a clock and metrics. */
public record IngestServices(DocumentStore documents, IngestStorage storage, DocumentPushes pushes, Clock clock,
        Metrics metrics) {

    /**
     * The parts of these services a step uses. A step built from its environment reads the settings
     * of its parts only, so its function declares (and is granted) just those resources.
     */
    public enum Need {
        /** The document rows: DOCUMENTS_TABLE. */
        DOCUMENTS,
        /** The text, chunks and vectors that pass between steps in the payload bucket: PAYLOAD_BUCKET. */
        WORK_OBJECTS,
        /** Progress pushes to the uploader's open connections: CONNECTIONS_TABLE, WEBSOCKET_MANAGEMENT_URL. */
        PROGRESS,
        /** Progress and the numbered ready/failed pushes of the push log: also PUSH_LOG_TABLE, IDEMPOTENCY_TABLE. */
        END_PUSHES
    }

    /** Every part, built from the function's environment, as a handler's no-argument constructor does. */
    public static IngestServices fromEnvironment(AwsClients aws) {
        return fromEnvironment(aws, Need.values());
    }

    /** The parts {@code needs} names; a part left out is null (its storage side, a work bucket of null). */
    public static IngestServices fromEnvironment(AwsClients aws, Need... needs) {
        Set<Need> need = EnumSet.copyOf(List.of(needs));
        boolean pushes = need.contains(Need.PROGRESS) || need.contains(Need.END_PUSHES);
        DynamoDbClient dynamoDb = need.contains(Need.DOCUMENTS) || pushes
                ? aws.build(DynamoDbClient.builder(), "DYNAMODB") : null;
        Clock clock = Clock.systemUTC();
        DocumentPushes documentPushes = null;
        if (pushes) {
            Connections connections = new Connections(dynamoDb, Setting.CONNECTIONS_TABLE.from(aws));
            boolean end = need.contains(Need.END_PUSHES);
            Idempotency once = end ? new Idempotency(new DynamoDbIdempotencyStore(dynamoDb,
                    Setting.IDEMPOTENCY_TABLE.from(aws)), "ingest", IdempotencyConfig.defaults(), clock) : null;
            documentPushes = new DocumentPushes(end ? new PushLog(dynamoDb, Setting.PUSH_LOG_TABLE.from(aws)) : null,
                    connections, new Pusher(ConnectionsApi.client(aws), connections), once, clock);
        }
        return new IngestServices(need.contains(Need.DOCUMENTS)
                        ? new DocumentStore(dynamoDb, Setting.DOCUMENTS_TABLE.from(aws)) : null,
                new IngestStorage(S3Access.client(aws),
                        need.contains(Need.WORK_OBJECTS) ? Setting.PAYLOAD_BUCKET.from(aws) : null),
                documentPushes, clock, Metrics.fromEnvironment());
    }
}
