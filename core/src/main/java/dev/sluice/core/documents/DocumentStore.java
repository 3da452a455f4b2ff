package dev.sluice.core.documents;

import static dev.sluice.core.dynamodb.Attributes.n;
import static dev.sluice.core.dynamodb.Attributes.numberOrNull;
import static dev.sluice.core.dynamodb.Attributes.s;
import static dev.sluice.core.dynamodb.Attributes.text;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.nio.charset.StandardCharsets;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * Document rows in DynamoDB (table {@code sluice-documents}: {@code pk=tenantId, sk=documentId}).
 * Every change after the upload is conditional on the upload's version (its ETag), so a late or
 * redelivered step of an older upload never touches a newer one. The sparse index
 * {@code processing} holds exactly the PROCESSING rows, oldest first, for the sweeper.
 */
public final class DocumentStore {

    /** An {@code AWAITING_UPLOAD} row no upload followed is forgotten after this long. */
    public static final Duration UPLOAD_WINDOW = Duration.ofDays(1);
    /** A deleted document's row stays this long, so a client polling it learns it went. */
    public static final Duration DELETED_RETENTION = Duration.ofDays(7);
    static final String PROCESSING_INDEX = "processing";
    private static final String PROCESSING_SHARD = "P";

    private final DynamoDbClient dynamoDb;
    private final String table;

    public DocumentStore(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
    }

    /**
     * {@code POST /v1/documents}: a row that remembers who asked, and in which request
     * ({@code correlationId}, may be null), until the upload arrives.
     */
    public void awaitUpload(String tenantId, String documentId, String userId, String bucket, String key,
            String filename, String correlationId, long now) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", s(tenantId));
        item.put("sk", s(documentId));
        item.put("userId", s(userId));
        item.put("bucket", s(bucket));
        item.put("objectKey", s(key));
        item.put("filename", s(filename));
        if (correlationId != null) {
            item.put("correlationId", s(correlationId));
        }
        item.put("status", s(DocumentStatus.AWAITING_UPLOAD.name()));
        item.put("createdAt", n(now));
        item.put("updatedAt", n(now));
        item.put("expiresAt", n((now + UPLOAD_WINDOW.toMillis()) / 1000));
        dynamoDb.putItem(b -> b.tableName(table).item(item));
    }

    /**
     * An upload arrived and its execution started: the row is PROCESSING this version. Keeps the
     * user and creation time of a row made by {@code POST /v1/documents}.
     */
    public void startProcessing(String tenantId, String documentId, String userId, String bucket, String key,
            String version, String executionArn, long size, long now) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":user", s(userId));
        values.put(":bucket", s(bucket));
        values.put(":key", s(key));
        values.put(":filename", s(key.substring(key.lastIndexOf('/') + 1)));
        values.put(":v", s(version));
        values.put(":exec", s(executionArn));
        values.put(":size", n(size));
        values.put(":processing", s(DocumentStatus.PROCESSING.name()));
        values.put(":shard", s(PROCESSING_SHARD));
        values.put(":now", n(now));
        dynamoDb.updateItem(b -> b.tableName(table).key(key(tenantId, documentId))
                .updateExpression("SET userId = if_not_exists(userId, :user), #bucket = :bucket, objectKey = :key,"
                        + " filename = if_not_exists(filename, :filename), #version = :v, executionArn = :exec,"
                        + " #size = :size, #status = :processing, processingShard = :shard,"
                        + " createdAt = if_not_exists(createdAt, :now), updatedAt = :now"
                        + " REMOVE expiresAt, errorCode, errorMessage, chunks, indexedBatches, docType")
                .expressionAttributeNames(Map.of("#status", "status", "#size", "size", "#bucket", "bucket",
                        "#version", "version"))
                .expressionAttributeValues(values));
    }

    /**
     * An operator retries the upload {@code version} under a new execution: the row becomes
     * PROCESSING for it, as the first step would make it, but only if it still is what the operator
     * saw ({@code seen}'s status and version), so two operators retrying at once start one ingestion.
     * The row names the execution before it is started: if the start never happens, the sweeper
     * finds the execution missing and fails the document again.
     *
     * @return false if the row changed since it was read
     */
    public boolean claimForRetry(Document seen, String version, String executionArn, long size, long now) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":seenStatus", s(seen.status().name()));
        values.put(":seenVersion", s(seen.version()));
        values.put(":v", s(version));
        values.put(":exec", s(executionArn));
        values.put(":size", n(size));
        values.put(":processing", s(DocumentStatus.PROCESSING.name()));
        values.put(":shard", s(PROCESSING_SHARD));
        values.put(":now", n(now));
        try {
            dynamoDb.updateItem(b -> b.tableName(table).key(key(seen.tenantId(), seen.documentId()))
                    .updateExpression("SET #version = :v, executionArn = :exec, #size = :size, #status = :processing,"
                            + " processingShard = :shard, updatedAt = :now"
                            + " REMOVE expiresAt, errorCode, errorMessage, chunks, indexedBatches, docType")
                    .conditionExpression("#status = :seenStatus AND #version = :seenVersion")
                    .expressionAttributeNames(Map.of("#status", "status", "#size", "size", "#version", "version"))
                    .expressionAttributeValues(values));
            return true;
        } catch (ConditionalCheckFailedException changed) {
            return false;
        }
    }

    /**
     * Every row of one document id, whichever tenant holds it (ids are name-based UUIDs of bucket and
     * key: in practice one). A Scan: for an operator naming one document, not for a request path.
     */
    public List<Document> withId(String documentId) {
        return scan("sk = :id", Map.of(":id", s(documentId)), Map.of());
    }

    /**
     * The FAILED documents last changed at or after {@code since}. A Scan, filtered: operators ask
     * this rarely, and no index of failed documents is worth its writes on every ingestion.
     */
    public List<Document> failedSince(long since) {
        return scan("#status = :failed AND updatedAt >= :since",
                Map.of(":failed", s(DocumentStatus.FAILED.name()), ":since", n(since)), Map.of("#status", "status"));
    }

    private List<Document> scan(String filter, Map<String, AttributeValue> values, Map<String, String> names) {
        List<Document> found = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            var page = dynamoDb.scan(b -> {
                b.tableName(table).filterExpression(filter).expressionAttributeValues(values).consistentRead(true)
                        .exclusiveStartKey(from);
                if (!names.isEmpty()) {
                    b.expressionAttributeNames(names);
                }
            });
            page.items().forEach(item -> found.add(fromItem(item)));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return found;
    }

    /** One more batch of chunks indexed; returns how many are now, or -1 if the version is stale. */
    public long batchIndexed(String tenantId, String documentId, String version, long now) {
        try {
            return Long.parseLong(dynamoDb.updateItem(b -> b.tableName(table).key(key(tenantId, documentId))
                    .updateExpression("ADD indexedBatches :one SET updatedAt = :now")
                    .conditionExpression("#version = :v").expressionAttributeNames(Map.of("#version", "version"))
                    .expressionAttributeValues(Map.of(":one", n(1), ":now", n(now), ":v", s(version)))
                    .returnValues(ReturnValue.UPDATED_NEW)).attributes().get("indexedBatches").n());
        } catch (ConditionalCheckFailedException stale) {
            return -1;
        }
    }

    /**
     * READY with its type and chunk count. Also from FAILED: a redriven execution that now succeeded.
     *
     * @return false if a newer upload (or a delete) took the document over
     */
    public boolean markReady(String tenantId, String documentId, String version, String type, int chunks,
            long now) {
        try {
            dynamoDb.updateItem(b -> b.tableName(table).key(key(tenantId, documentId))
                    .updateExpression("SET #status = :ready, docType = :type, chunks = :chunks, updatedAt = :now"
                            + " REMOVE processingShard, errorCode, errorMessage")
                    .conditionExpression("#version = :v")
                    .expressionAttributeNames(Map.of("#status", "status", "#version", "version"))
                    .expressionAttributeValues(Map.of(":ready", s(DocumentStatus.READY.name()), ":type", s(type),
                            ":chunks", n(chunks), ":now", n(now), ":v", s(version))));
            return true;
        } catch (ConditionalCheckFailedException stale) {
            return false;
        }
    }

    /**
     * FAILED with a reason. Also when no step got as far as claiming the row for this version (the
     * first step's S3 call failed for good, say): the document must not be left without an end. Never
     * once this version is READY: nothing after READY undoes it.
     *
     * @return false if a newer upload (or a delete) took the document over, or it is READY
     */
    public boolean markFailed(String tenantId, String documentId, String userId, String bucket, String key,
            String version, String errorCode, String errorMessage, long now) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":v", s(version));
        values.put(":failed", s(DocumentStatus.FAILED.name()));
        values.put(":deleted", s(DocumentStatus.DELETED.name()));
        values.put(":ready", s(DocumentStatus.READY.name()));
        values.put(":code", s(errorCode));
        values.put(":message", s(errorMessage));
        values.put(":user", s(userId));
        values.put(":bucket", s(bucket));
        values.put(":key", s(key));
        values.put(":filename", s(key.substring(key.lastIndexOf('/') + 1)));
        values.put(":now", n(now));
        try {
            dynamoDb.updateItem(b -> b.tableName(table).key(key(tenantId, documentId))
                    .updateExpression("SET #status = :failed, #version = :v, errorCode = :code, errorMessage = :message,"
                            + " userId = if_not_exists(userId, :user), #bucket = if_not_exists(#bucket, :bucket),"
                            + " objectKey = if_not_exists(objectKey, :key), filename = if_not_exists(filename, :filename),"
                            + " createdAt = if_not_exists(createdAt, :now), updatedAt = :now"
                            + " REMOVE processingShard, expiresAt")
                    .conditionExpression("(#version = :v AND #status <> :ready) OR (attribute_not_exists(#version)"
                            + " AND (attribute_not_exists(#status) OR #status <> :deleted))")
                    .expressionAttributeNames(Map.of("#status", "status", "#version", "version", "#bucket", "bucket"))
                    .expressionAttributeValues(values));
            return true;
        } catch (ConditionalCheckFailedException stale) {
            return false;
        }
    }

    /**
     * The object was deleted: the row says so for a week. The version is cleared, so a step of an
     * execution still running for it finds itself stale.
     */
    public void markDeleted(String tenantId, String documentId, long now) {
        try {
            dynamoDb.updateItem(b -> b.tableName(table).key(key(tenantId, documentId))
                    .updateExpression("SET #status = :deleted, updatedAt = :now, expiresAt = :expires"
                            + " REMOVE #version, processingShard")
                    .conditionExpression("attribute_exists(pk)")
                    .expressionAttributeNames(Map.of("#status", "status", "#version", "version"))
                    .expressionAttributeValues(Map.of(":deleted", s(DocumentStatus.DELETED.name()), ":now", n(now),
                            ":expires", n((now + DELETED_RETENTION.toMillis()) / 1000))));
        } catch (ConditionalCheckFailedException neverIngested) {
            // nothing to mark: no upload of this key was ever seen
        }
    }

    public Optional<Document> get(String tenantId, String documentId) {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(table).key(key(tenantId, documentId))
                .consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(fromItem(item));
    }

    /** A page of the tenant's documents; {@code cursor} is the previous page's {@link Page#next()}. */
    public record Page(List<Document> documents, String next) {
    }

    /**
     * @throws IllegalArgumentException if the cursor is not one this listing hands out (it carries a
     *                                  document id; the tenant always comes from the caller)
     */
    public Page list(String tenantId, int limit, String cursor) {
        String after = cursor == null ? null : documentIdOf(cursor);
        QueryResponse response = dynamoDb.query(b -> {
            b.tableName(table).limit(limit).keyConditionExpression("pk = :t")
                    .expressionAttributeValues(Map.of(":t", s(tenantId)));
            if (after != null) {
                b.exclusiveStartKey(key(tenantId, after));
            }
        });
        List<Document> documents = new ArrayList<>();
        response.items().forEach(item -> documents.add(fromItem(item)));
        String next = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                ? Base64.getUrlEncoder().withoutPadding().encodeToString(
                        response.lastEvaluatedKey().get("sk").s().getBytes(StandardCharsets.UTF_8))
                : null;
        return new Page(documents, next);
    }

    private static String documentIdOf(String cursor) {
        String id = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        if (!DocumentIds.isWellFormed(id)) {
            throw new IllegalArgumentException("the cursor holds no document id");
        }
        return id;
    }

    /** PROCESSING rows not updated since {@code updatedBefore}, oldest first: the sweeper's work. */
    public List<Document> processingSince(long updatedBefore, int limit) {
        return dynamoDb.query(b -> b.tableName(table).indexName(PROCESSING_INDEX).limit(limit)
                .keyConditionExpression("processingShard = :p AND updatedAt < :before")
                .expressionAttributeValues(Map.of(":p", s(PROCESSING_SHARD), ":before", n(updatedBefore))))
                .items().stream().map(DocumentStore::fromItem).toList();
    }

    private static Document fromItem(Map<String, AttributeValue> item) {
        return new Document(item.get("pk").s(), item.get("sk").s(), text(item, "userId"), text(item, "bucket"),
                text(item, "objectKey"), text(item, "filename"), text(item, "version"),
                DocumentStatus.valueOf(item.get("status").s()), text(item, "executionArn"), numberOrNull(item, "size"),
                text(item, "docType"), item.containsKey("chunks") ? Integer.valueOf(item.get("chunks").n()) : null,
                text(item, "errorCode"), text(item, "errorMessage"), numberOrNull(item, "createdAt"), numberOrNull(item, "updatedAt"),
                text(item, "correlationId"));
    }

    private static Map<String, AttributeValue> key(String tenantId, String documentId) {
        return Map.of("pk", s(tenantId), "sk", s(documentId));
    }
}
