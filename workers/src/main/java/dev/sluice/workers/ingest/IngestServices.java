package dev.sluice.workers.ingest;

import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.documents.DocumentStore;
import dev.sluice.workers.config.S3Access;
import dev.sluice.workers.config.Setting;
import dev.sluice.workers.idempotency.DynamoDbIdempotencyStore;
import dev.sluice.workers.idempotency.Idempotency;
import dev.sluice.workers.idempotency.IdempotencyConfig;
import dev.sluice.workers.logging.JsonLog;
import dev.sluice.workers.push.ConnectionsApi;
import dev.sluice.workers.push.Connections;
import dev.sluice.workers.push.PushLog;
import dev.sluice.workers.push.Pusher;
import java.time.Clock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** What every ingestion step uses: the document rows, the S3 side, the pushes, a log and a clock. */
public record IngestServices(DocumentStore documents, IngestStorage storage, DocumentPushes pushes, JsonLog log,
        Clock clock) {

    /** Built from the function's environment, as a handler's no-argument constructor does. */
    public static IngestServices fromEnvironment(AwsClients aws) {
        DynamoDbClient dynamoDb = aws.build(DynamoDbClient.builder(), "DYNAMODB");
        Connections connections = new Connections(dynamoDb, Setting.CONNECTIONS_TABLE.from(aws));
        JsonLog log = new JsonLog(System.out);
        Clock clock = Clock.systemUTC();
        Idempotency once = new Idempotency(new DynamoDbIdempotencyStore(dynamoDb, Setting.IDEMPOTENCY_TABLE.from(aws)),
                "ingest", IdempotencyConfig.defaults(), clock);
        return new IngestServices(new DocumentStore(dynamoDb, Setting.DOCUMENTS_TABLE.from(aws)),
                new IngestStorage(S3Access.client(aws), Setting.PAYLOAD_BUCKET.from(aws)),
                new DocumentPushes(new PushLog(dynamoDb, Setting.PUSH_LOG_TABLE.from(aws)), connections,
                        new Pusher(ConnectionsApi.client(aws), connections), once, log, clock),
                log, clock);
    }
}
