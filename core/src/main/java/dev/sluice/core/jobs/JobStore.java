package dev.sluice.core.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Job rows in DynamoDB. Every state change is a conditional write, so a message delivered twice, a
 * sweeper and a worker racing, or a late retry can never move a job backwards or finish it twice.
 *
 * <p>Layout (table {@code sluice-jobs}): a job is {@code pk=T#tenant, sk=J#jobId}; an idempotency
 * key claim is {@code pk=T#tenant, sk=K#key}. Index {@code byStatus} lists a tenant's jobs by status;
 * the sparse index {@code pending} holds the jobs the sweeper may owe something (see {@link Pending}).
 */
public final class JobStore {

    /** How long an Idempotency-Key is remembered, as Stripe and Powertools do: a day. */
    public static final Duration IDEMPOTENCY_KEY_TTL = Duration.ofHours(24);
    /** Finished jobs are kept this long, then DynamoDB's TTL removes them. */
    public static final Duration RETENTION = Duration.ofDays(30);
    /** How long a put may take before the sweeper does it again. */
    public static final Duration OUTBOX_GRACE = Duration.ofSeconds(15);
    static final int PENDING_SHARDS = 4;

    private final DynamoDbClient dynamoDb;
    private final String table;

    public JobStore(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
    }

    /** What {@link #create} did: a new job, or the one the same Idempotency-Key created before. */
    public record Submission(Job job, boolean created) {
    }

    /**
     * Writes a new QUEUED job; with an idempotency key, in one transaction with the key's claim, so
     * a repeat of the same request returns the first job and creates nothing.
     *
     * @throws IdempotencyKeyReusedException if the key was used for a different body
     */
    public Submission create(Job job, String idempotencyKey, String bodyHash, long now) {
        Map<String, AttributeValue> item = toItem(job);
        item.put("pending", s(Pending.PUBLISH.name()));
        item.put("pendingShard", s(shard(job.jobId())));
        item.put("pendingDue", n(now + OUTBOX_GRACE.toMillis()));
        Put putJob = Put.builder().tableName(table).item(item).conditionExpression("attribute_not_exists(pk)").build();
        if (idempotencyKey == null) {
            dynamoDb.putItem(b -> b.tableName(table).item(item).conditionExpression("attribute_not_exists(pk)"));
            return new Submission(job, true);
        }
        Map<String, AttributeValue> claim = new HashMap<>();
        claim.put("pk", s(pk(job.tenantId())));
        claim.put("sk", s("K#" + idempotencyKey));
        claim.put("jobId", s(job.jobId()));
        claim.put("bodyHash", s(bodyHash));
        claim.put("expiresAt", n((now + IDEMPOTENCY_KEY_TTL.toMillis()) / 1000));
        // A claim past its TTL but not yet swept by DynamoDB no longer counts.
        Put putClaim = Put.builder().tableName(table).item(claim)
                .conditionExpression("attribute_not_exists(pk) OR expiresAt < :now")
                .expressionAttributeValues(Map.of(":now", n(now / 1000))).build();
        try {
            dynamoDb.transactWriteItems(b -> b.transactItems(TransactWriteItem.builder().put(putJob).build(),
                    TransactWriteItem.builder().put(putClaim).build()));
            return new Submission(job, true);
        } catch (TransactionCanceledException e) {
            List<CancellationReason> reasons = e.cancellationReasons();
            boolean claimTaken = reasons.size() == 2 && "ConditionalCheckFailed".equals(reasons.get(1).code());
            if (!claimTaken) {
                throw e;
            }
            Map<String, AttributeValue> existing = dynamoDb.getItem(b -> b.tableName(table).consistentRead(true)
                    .key(Map.of("pk", claim.get("pk"), "sk", claim.get("sk")))).item();
            String firstJob = existing.get("jobId").s();
            if (!existing.get("bodyHash").s().equals(bodyHash)) {
                throw new IdempotencyKeyReusedException(firstJob);
            }
            Job first = get(job.tenantId(), firstJob).orElseThrow(() -> new IllegalStateException(
                    "idempotency key claim points at missing job " + firstJob));
            return new Submission(first, false);
        }
    }

    public Optional<Job> get(String tenantId, String jobId) {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(table).consistentRead(true)
                .key(key(tenantId, jobId))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(fromItem(item));
    }

    /**
     * A page of the tenant's jobs, newest first, optionally of one status.
     *
     * @throws IllegalArgumentException if the cursor is not one this query handed out
     */
    public JobPage list(String tenantId, JobStatus status, int limit, String cursor) {
        QueryRequest.Builder query = QueryRequest.builder().tableName(table).limit(limit).scanIndexForward(false);
        if (status == null) {
            query.keyConditionExpression("pk = :pk AND begins_with(sk, :jobs)")
                    .expressionAttributeValues(Map.of(":pk", s(pk(tenantId)), ":jobs", s("J#")));
        } else {
            query.indexName("byStatus").keyConditionExpression("statusKey = :sk")
                    .expressionAttributeValues(Map.of(":sk", s(statusKey(tenantId, status))));
        }
        if (cursor != null) {
            Map<String, AttributeValue> start = decodeCursor(cursor);
            if (!start.containsKey("pk") || !s(pk(tenantId)).equals(start.get("pk"))
                    || (status != null) != start.containsKey("statusKey")
                    || (status != null && !s(statusKey(tenantId, status)).equals(start.get("statusKey")))) {
                throw new IllegalArgumentException("cursor does not belong to this listing");
            }
            query.exclusiveStartKey(start);
        }
        QueryResponse page = dynamoDb.query(query.build());
        List<Job> jobs = page.items().stream().map(JobStore::fromItem).toList();
        String next = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
                ? encodeCursor(page.lastEvaluatedKey()) : null;
        return new JobPage(jobs, next);
    }

    /** "Job Submitted" is on the bus: from now the job only owes its outcome, by {@code deadline}. */
    public void published(String tenantId, String jobId, long deadline) {
        conditional(update(tenantId, jobId).updateExpression("SET pending = :deadline, pendingDue = :due")
                .conditionExpression("pending = :publish")
                .expressionAttributeValues(Map.of(":deadline", s(Pending.DEADLINE.name()), ":due", n(deadline),
                        ":publish", s(Pending.PUBLISH.name()))));
    }

    /** The outcome is on the bus: the sweeper owes this job nothing more. */
    public void announced(String tenantId, String jobId) {
        conditional(update(tenantId, jobId).updateExpression("REMOVE pending, pendingDue, pendingShard")
                .conditionExpression("pending = :announce")
                .expressionAttributeValues(Map.of(":announce", s(Pending.ANNOUNCE.name()))));
    }

    /** QUEUED or RUNNING → RUNNING, one more attempt; empty if the job is finished or unknown. */
    public Optional<Job> markRunning(String tenantId, String jobId, long now) {
        return returningNew(update(tenantId, jobId)
                .updateExpression("SET #status = :running, statusKey = :statusKey, attempts = attempts + :one,"
                        + " startedAt = if_not_exists(startedAt, :now)")
                .conditionExpression("attribute_exists(pk) AND #status IN (:queued, :running)")
                .expressionAttributeNames(Map.of("#status", "status"))
                .expressionAttributeValues(Map.of(":running", s(JobStatus.RUNNING.name()),
                        ":queued", s(JobStatus.QUEUED.name()), ":one", n(1), ":now", n(now),
                        ":statusKey", s(statusKey(tenantId, JobStatus.RUNNING)))));
    }

    /**
     * RUNNING → SUCCEEDED with its result, in one transaction with {@code alongside} (counters say),
     * so those writes happen exactly once with the job's completion. Empty if the job was no longer
     * RUNNING: another delivery finished it.
     */
    public Optional<Job> complete(Job running, JsonNode result, S3Ref resultRef, long now,
            List<TransactWriteItem> alongside) {
        Map<String, AttributeValue> values = new HashMap<>(finishValues(running.tenantId(), running.jobId(), JobStatus.SUCCEEDED, now));
        values.put(":runningNow", s(JobStatus.RUNNING.name()));
        String set = "SET #status = :status, statusKey = :statusKey, finishedAt = :now, expiresAt = :expires,"
                + " pending = :announce, pendingDue = :due, pendingShard = :shard";
        if (resultRef != null) {
            set += ", resultRef = :result";
            values.put(":result", s3Ref(resultRef));
        } else {
            set += ", #result = :result";
            values.put(":result", s(Json.write(result)));
        }
        Map<String, String> names = resultRef != null ? Map.of("#status", "status")
                : Map.of("#status", "status", "#result", "result");
        Update update = Update.builder().tableName(table).key(key(running.tenantId(), running.jobId()))
                .updateExpression(set).conditionExpression("#status = :runningNow")
                .expressionAttributeNames(names).expressionAttributeValues(values).build();
        Job done = new Job(running.jobId(), running.tenantId(), running.userId(), running.type(), running.priority(),
                JobStatus.SUCCEEDED, running.attempts(), running.submittedAt(), running.startedAt(), now,
                running.payload(), running.payloadRef(), resultRef == null ? result : null, resultRef, null);
        try {
            if (alongside.isEmpty()) {
                dynamoDb.updateItem(b -> b.tableName(table).key(update.key()).updateExpression(update.updateExpression())
                        .conditionExpression(update.conditionExpression())
                        .expressionAttributeNames(update.expressionAttributeNames())
                        .expressionAttributeValues(update.expressionAttributeValues()));
            } else {
                List<TransactWriteItem> items = new ArrayList<>();
                items.add(TransactWriteItem.builder().update(update).build());
                items.addAll(alongside);
                dynamoDb.transactWriteItems(b -> b.transactItems(items));
            }
            return Optional.of(done);
        } catch (ConditionalCheckFailedException e) {
            return Optional.empty();
        } catch (TransactionCanceledException e) {
            if ("ConditionalCheckFailed".equals(e.cancellationReasons().get(0).code())) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** QUEUED or RUNNING → FAILED with the reason; empty if it was already finished. */
    public Optional<Job> fail(String tenantId, String jobId, JobError error, long now) {
        Map<String, AttributeValue> values = new HashMap<>(finishValues(tenantId, jobId, JobStatus.FAILED, now));
        values.put(":error", errorValue(error));
        values.put(":queued", s(JobStatus.QUEUED.name()));
        values.put(":running", s(JobStatus.RUNNING.name()));
        return returningNew(update(tenantId, jobId)
                .updateExpression("SET #status = :status, statusKey = :statusKey, finishedAt = :now,"
                        + " expiresAt = :expires, #error = :error, pending = :announce, pendingDue = :due,"
                        + " pendingShard = :shard")
                .conditionExpression("attribute_exists(pk) AND #status IN (:queued, :running)")
                .expressionAttributeNames(Map.of("#status", "status", "#error", "error"))
                .expressionAttributeValues(values));
    }

    /** A job the sweeper owes {@code duty}. */
    public record DueJob(Job job, Pending duty) {
    }

    /** Jobs whose pending duty fell due at or before {@code now}, oldest first per shard. */
    public List<DueJob> due(long now, int limitPerShard) {
        List<DueJob> due = new ArrayList<>();
        for (int shard = 0; shard < PENDING_SHARDS; shard++) {
            String shardName = Integer.toString(shard);
            dynamoDb.query(b -> b.tableName(table).indexName("pending").limit(limitPerShard)
                    .keyConditionExpression("pendingShard = :shard AND pendingDue <= :now")
                    .expressionAttributeValues(Map.of(":shard", s(shardName), ":now", n(now))))
                    .items().forEach(item -> due.add(new DueJob(fromItem(item),
                            Pending.valueOf(item.get("pending").s()))));
        }
        return due;
    }

    private static Map<String, AttributeValue> finishValues(String tenantId, String jobId, JobStatus status,
            long now) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":status", s(status.name()));
        values.put(":statusKey", s(statusKey(tenantId, status)));
        values.put(":now", n(now));
        values.put(":expires", n((now + RETENTION.toMillis()) / 1000));
        values.put(":announce", s(Pending.ANNOUNCE.name()));
        values.put(":due", n(now + OUTBOX_GRACE.toMillis()));
        values.put(":shard", s(shard(jobId)));
        return values;
    }

    private UpdateItemRequest.Builder update(String tenantId, String jobId) {
        return UpdateItemRequest.builder().tableName(table).key(key(tenantId, jobId));
    }

    private void conditional(UpdateItemRequest.Builder request) {
        try {
            dynamoDb.updateItem(request.build());
        } catch (ConditionalCheckFailedException alreadyMoved) {
            // Someone else (the sweeper or another delivery) already took the job past this step.
        }
    }

    private Optional<Job> returningNew(UpdateItemRequest.Builder request) {
        try {
            return Optional.of(fromItem(dynamoDb.updateItem(request.returnValues(ReturnValue.ALL_NEW).build())
                    .attributes()));
        } catch (ConditionalCheckFailedException e) {
            return Optional.empty();
        }
    }

    static String shard(String jobId) {
        return Integer.toString(Math.floorMod(jobId.hashCode(), PENDING_SHARDS));
    }

    private static String pk(String tenantId) {
        return "T#" + tenantId;
    }

    private static String statusKey(String tenantId, JobStatus status) {
        return tenantId + "#" + status.name();
    }

    private static Map<String, AttributeValue> key(String tenantId, String jobId) {
        return Map.of("pk", s(pk(tenantId)), "sk", s("J#" + jobId));
    }

    private static Map<String, AttributeValue> toItem(Job job) {
        Map<String, AttributeValue> item = new HashMap<>(key(job.tenantId(), job.jobId()));
        item.put("jobId", s(job.jobId()));
        item.put("tenantId", s(job.tenantId()));
        if (job.userId() != null) {
            item.put("userId", s(job.userId()));
        }
        item.put("type", s(job.type().wire()));
        item.put("priority", s(job.priority()));
        item.put("status", s(job.status().name()));
        item.put("statusKey", s(statusKey(job.tenantId(), job.status())));
        item.put("attempts", n(job.attempts()));
        item.put("submittedAt", n(job.submittedAt()));
        if (job.payload() != null) {
            item.put("payload", s(Json.write(job.payload())));
        }
        if (job.payloadRef() != null) {
            item.put("payloadRef", s3Ref(job.payloadRef()));
        }
        return item;
    }

    static Job fromItem(Map<String, AttributeValue> item) {
        return new Job(str(item, "jobId"), str(item, "tenantId"), str(item, "userId"),
                JobType.fromWire(str(item, "type")), str(item, "priority"), JobStatus.valueOf(str(item, "status")),
                Integer.parseInt(item.get("attempts").n()), num(item, "submittedAt"), numOrNull(item, "startedAt"),
                numOrNull(item, "finishedAt"), json(item, "payload"), s3Ref(item.get("payloadRef")),
                json(item, "result"), s3Ref(item.get("resultRef")), error(item.get("error")));
    }

    private static AttributeValue errorValue(JobError error) {
        return AttributeValue.fromM(Map.of("code", s(error.code()), "message", s(error.message()),
                "retryable", AttributeValue.fromBool(error.retryable())));
    }

    private static JobError error(AttributeValue value) {
        if (value == null) {
            return null;
        }
        Map<String, AttributeValue> m = value.m();
        return new JobError(m.get("code").s(), m.get("message").s(), m.get("retryable").bool());
    }

    private static AttributeValue s3Ref(S3Ref ref) {
        return AttributeValue.fromM(Map.of("bucket", s(ref.bucket()), "key", s(ref.key()), "size", n(ref.size())));
    }

    private static S3Ref s3Ref(AttributeValue value) {
        if (value == null) {
            return null;
        }
        Map<String, AttributeValue> m = value.m();
        return new S3Ref(m.get("bucket").s(), m.get("key").s(), Long.parseLong(m.get("size").n()));
    }

    private static JsonNode json(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : Json.parse(v.s());
    }

    private static String str(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s();
    }

    private static long num(Map<String, AttributeValue> item, String name) {
        return Long.parseLong(item.get(name).n());
    }

    private static Long numOrNull(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : Long.parseLong(v.n());
    }

    private static String encodeCursor(Map<String, AttributeValue> lastKey) {
        ObjectNode node = Json.object();
        lastKey.forEach((k, v) -> node.put(k, v.s()));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Json.write(node).getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, AttributeValue> decodeCursor(String cursor) {
        try {
            JsonNode node = Json.parse(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8));
            Map<String, AttributeValue> key = new HashMap<>();
            node.fields().forEachRemaining(e -> key.put(e.getKey(), s(e.getValue().asText())));
            return key;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cursor is not valid", e);
        }
    }

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
