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
import dev.sluice.workers.logging.JsonLog;
import dev.sluice.workers.priming.Priming;
import dev.sluice.workers.search.VectorIndexes;
import java.time.Clock;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The S3 events of the documents bucket, from its queue: "Object Created" starts one ingestion per
 * upload, named by document and ETag, so a duplicate event starts nothing new; "Object Deleted"
 * removes the document's chunks and marks it DELETED. A message that is no such event, or whose
 * key has no {@code {tenantId}/} prefix, goes straight to the DLQ with the reason.
 */
public final class DocumentRouter implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private final DocumentStore documents;
    private final SfnClient stepFunctions;
    private final String stateMachineArn;
    private final int maxConcurrency;
    /** Opened on the first delete only: most messages are uploads. */
    private final Supplier<VectorIndex> index;
    private final QueueMessages queueMessages;
    private final String deadLetterQueue;
    private final SqsBatchProcessor batch = new SqsBatchProcessor();
    private final JsonLog log;
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
                new JsonLog(), Clock.systemUTC());
    }

    public DocumentRouter(DocumentStore documents, SfnClient stepFunctions, String stateMachineArn, int maxConcurrency,
            Supplier<VectorIndex> index, QueueMessages queueMessages, String deadLetterQueue, JsonLog log,
            Clock clock) {
        this.documents = documents;
        this.stepFunctions = stepFunctions;
        this.stateMachineArn = stateMachineArn;
        this.maxConcurrency = maxConcurrency;
        this.index = index;
        this.queueMessages = queueMessages;
        this.deadLetterQueue = deadLetterQueue;
        this.log = log;
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
        switch (event.path("detail-type").asText()) {
            case "Object Created" -> start(event.get("detail"), tenantId, documentId, bucket, key, context);
            case "Object Deleted" -> {
                // Chunks first, so a client that sees DELETED finds none. An Index step of a running
                // ingestion may still be writing a batch: once the row is marked (which makes that step
                // stale) the chunks go again, and a batch that lands later finds itself stale and removes
                // its own (IndexTask). Every order of the two ends with no chunk left.
                index.get().deleteDocument(tenantId, documentId);
                documents.markDeleted(tenantId, documentId, clock.millis());
                index.get().deleteDocument(tenantId, documentId);
                log.info("document deleted", context, Map.of("documentId", documentId, "tenantId", tenantId));
            }
            default -> poison(message, "invalid_event", "detail-type \"" + event.path("detail-type").asText()
                    + "\" is neither Object Created nor Object Deleted", context);
        }
    }

    private void start(JsonNode detail, String tenantId, String documentId, String bucket, String key,
            Context context) {
        String etag = detail.path("object").path("etag").asText("");
        // The user who asked for the upload URL hears the progress; a plain S3 upload, the tenant's own user.
        String userId = documents.get(tenantId, documentId).map(Document::userId).orElse(tenantId);
        ObjectNode input = new IngestionInput(tenantId, userId, documentId, bucket, key, etag,
                detail.path("object").path("size").asLong(), maxConcurrency).toJson();
        String name = DocumentIds.executionName(documentId, etag);
        try {
            String arn = stepFunctions.startExecution(b -> b.stateMachineArn(stateMachineArn).name(name)
                    .input(Json.write(input))).executionArn();
            log.info("ingestion started", context, Map.of("documentId", documentId, "tenantId", tenantId,
                    "executionArn", arn));
        } catch (ExecutionAlreadyExistsException duplicate) {
            log.info("ingestion already started for this upload", context, Map.of("documentId", documentId,
                    "tenantId", tenantId, "execution", name));
        }
    }

    private void poison(SQSMessage message, String code, String reason, Context context) {
        queueMessages.toDeadLetterQueue(message, deadLetterQueue, code, reason);
        log.error("message moved to the DLQ: " + reason, context, Map.of("messageId", message.getMessageId(),
                "deadLetterQueue", deadLetterQueue));
    }
}
