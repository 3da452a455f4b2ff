package dev.sluice.workers.ingest;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.documents.Document;
import dev.sluice.core.documents.DocumentIds;
import dev.sluice.core.documents.DocumentStore;
import dev.sluice.core.documents.IngestionInput;
import dev.sluice.core.json.Json;
import dev.sluice.core.search.VectorIndex;
import dev.sluice.workers.batch.QueueMessages;
import dev.sluice.workers.batch.SqsBatchProcessor;
import dev.sluice.workers.config.Lazy;
import dev.sluice.workers.config.Setting;
import dev.sluice.workers.logging.LogContext;
import dev.sluice.workers.priming.Priming;
import dev.sluice.workers.search.VectorIndexes;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The S3 events of the documents bucket, from its queue: "Object Created" starts one ingestion per
 * upload, named by document and ETag, so a duplicate event starts nothing new; "Object Deleted"
 * removes the document's chunks and marks it DELETED. A message that is no such event, or whose
 * key has no {@code {tenantId}/} prefix, goes straight to the DLQ with the reason. The execution's input
 * carries the correlation id of the request that asked for the upload, or else the S3 event's id.
 */
public final class DocumentRouter implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private static final Logger LOG = LoggerFactory.getLogger(DocumentRouter.class);

    private final DocumentStore documents;
    private final SfnClient stepFunctions;
    private final String stateMachineArn;
    private final int maxConcurrency;
    /** Opened on the first delete only: most messages are uploads. */
    private final Supplier<VectorIndex> index;
    private final QueueMessages queueMessages;
    private final String deadLetterQueue;
    private final SqsBatchProcessor batch = new SqsBatchProcessor();
    private final Clock clock;

    public DocumentRouter() {
        this(AwsClients.fromEnvironment());
    }

    private DocumentRouter(AwsClients aws) {
        this(aws, VectorIndexes.choice(aws));
        Priming.of(DocumentRouter.class, aws).register(this);
    }

    private DocumentRouter(AwsClients aws, VectorIndexes.Choice index) {
        this(new DocumentStore(aws.build(software.amazon.awssdk.services.dynamodb.DynamoDbClient.builder(), "DYNAMODB"),
                        Setting.DOCUMENTS_TABLE.from(aws)),
                aws.build(SfnClient.builder(), "SFN"), Setting.INGEST_STATE_MACHINE_ARN.from(aws),
                Setting.INGEST_MAX_CONCURRENCY.intFrom(aws), Lazy.of(() -> index.open(aws)),
                new QueueMessages(aws.build(SqsClient.builder(), "SQS")), Setting.DEAD_LETTER_QUEUE.from(aws),
                Clock.systemUTC());
    }

    public DocumentRouter(DocumentStore documents, SfnClient stepFunctions, String stateMachineArn, int maxConcurrency,
            Supplier<VectorIndex> index, QueueMessages queueMessages, String deadLetterQueue, Clock clock) {
        this.documents = documents;
        this.stepFunctions = stepFunctions;
        this.stateMachineArn = stateMachineArn;
        this.maxConcurrency = maxConcurrency;
        this.index = index;
        this.queueMessages = queueMessages;
        this.deadLetterQueue = deadLetterQueue;
        this.clock = clock;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        return batch.process(event, context, this::route);
    }

    private void route(SQSMessage message, Context context) {
        JsonNode event;
        try {
            event = Json.parse(message.getBody());
        } catch (IllegalArgumentException e) {
            poison(message, "malformed_message", "the message body is not JSON", context);
            return;
        }
        String bucket = event.path("detail").path("bucket").path("name").asText("");
        String key = event.path("detail").path("object").path("key").asText("");
        if (bucket.isEmpty() || key.isEmpty()) {
            poison(message, "invalid_event", "not an S3 event: no detail.bucket.name or detail.object.key", context);
            return;
        }
        String tenantId = DocumentIds.tenantOf(key);
        if (tenantId == null) {
            poison(message, "no_tenant", "key \"" + key + "\" does not start with {tenantId}/", context);
            return;
        }
        String documentId = DocumentIds.of(bucket, key);
        try (LogContext document = LogContext.document(tenantId, documentId, null)) {
            route(message, event, tenantId, documentId, bucket, key, context);
        }
    }

    private void route(SQSMessage message, JsonNode event, String tenantId, String documentId, String bucket,
            String key, Context context) {
        switch (event.path("detail-type").asText()) {
            case "Object Created" -> start(event, tenantId, documentId, bucket, key, context);
            case "Object Deleted" -> {
                // Chunks first, so a client that sees DELETED finds none. An Index step of a running
                // ingestion may still be writing a batch: once the row is marked (which makes that step
                // stale) the chunks go again, and a batch that lands later finds itself stale and removes
                // its own (IndexTask). Every order of the two ends with no chunk left.
                index.get().deleteDocument(tenantId, documentId);
                documents.markDeleted(tenantId, documentId, clock.millis());
                index.get().deleteDocument(tenantId, documentId);
                LOG.info("document deleted");
            }
            default -> poison(message, "invalid_event", "detail-type \"" + event.path("detail-type").asText()
                    + "\" is neither Object Created nor Object Deleted", context);
        }
    }

    private void start(JsonNode event, String tenantId, String documentId, String bucket, String key,
            Context context) {
        JsonNode detail = event.get("detail");
        String etag = detail.path("object").path("etag").asText("");
        // The user who asked for the upload URL hears the progress; a plain S3 upload, the tenant's own user.
        Optional<Document> asked = documents.get(tenantId, documentId);
        String userId = asked.map(Document::userId).orElse(tenantId);
        // Always set, as the Map state's ItemSelector names it.
        String correlationId = asked.map(Document::correlationId).orElse(event.path("id").asText(documentId));
        ObjectNode input = new IngestionInput(tenantId, userId, documentId, bucket, key, etag,
                detail.path("object").path("size").asLong(), maxConcurrency, correlationId).toJson();
        String name = DocumentIds.executionName(documentId, etag);
        try (LogContext correlated = LogContext.with(Map.of(LogContext.CORRELATION_ID, correlationId))) {
            try {
                String arn = stepFunctions.startExecution(b -> b.stateMachineArn(stateMachineArn).name(name)
                        .input(Json.write(input))).executionArn();
                LOG.atInfo().setMessage("ingestion started").addKeyValue("executionArn", arn).log();
            } catch (ExecutionAlreadyExistsException duplicate) {
                LOG.atInfo().setMessage("ingestion already started for this upload").addKeyValue("execution", name)
                        .log();
            }
        }
    }

    private void poison(SQSMessage message, String code, String reason, Context context) {
        queueMessages.toDeadLetterQueue(message, deadLetterQueue, code, reason);
        LOG.atError().setMessage("message moved to the DLQ: " + reason).addKeyValue("deadLetterQueue", deadLetterQueue)
                .log();
    }
}
