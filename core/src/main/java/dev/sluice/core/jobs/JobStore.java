package dev.sluice.core.jobs;

import static dev.sluice.core.dynamodb.Attributes.n;
import static dev.sluice.core.dynamodb.Attributes.number;
import static dev.sluice.core.dynamodb.Attributes.numberOrNull;
import static dev.sluice.core.dynamodb.Attributes.s;
import static dev.sluice.core.dynamodb.Attributes.text;

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
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Job rows in DynamoDB, the one place that knows table {@code sluice-jobs}. Every state change is a
 * conditional write, so a message delivered twice, a sweeper and a worker racing, or a late retry can
 * never move a job backwards or finish it twice; and those conditions are the job path's only
 * idempotency records, so a job costs few requests.
 *
 * <p>Layout: a job is {@code pk=T#tenant, sk=J#jobId}; an Idempotency-Key claim is
 * {@code pk=T#tenant, sk=K#key}. Index {@code byStatus} lists a tenant's jobs by status; the sparse
 * index {@code pending} holds the jobs the sweeper may owe something (see {@link Pending}). A running
 * job holds a lease ({@code leaseUntil}) that keeps a duplicate delivery from running it at the same
 * time; an e-mail job records its send ({@code sendState}) before the mailer is called.
 */
public final class JobStore {

    /** How long an Idempotency-Key is remembered, as Stripe and Powertools do: a day. */
    public static final Duration IDEMPOTENCY_KEY_TTL = Duration.ofHours(24);
    /** Finished jobs are kept this long, then DynamoDB's TTL removes them. */
    public static final Duration RETENTION = Duration.ofDays(30);
    /** After a failed put of "Job Submitted", when the sweeper tries again. */
    public static final Duration PUBLISH_RETRY = Duration.ofSeconds(15);
    /** How long the notifier has to confirm an outcome before the sweeper announces it again. */
    public static final Duration ANNOUNCE_GRACE = Duration.ofMinutes(2);
    static final int PENDING_SHARDS = 4;
    private static final int CONFLICT_RETRIES = 3;
    private static final Set<String> TABLE_KEY = Set.of("pk", "sk");
    private static final Set<String> BY_STATUS_KEY = Set.of("pk", "sk", "statusKey", "jobId");

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
     * Writes a new QUEUED job that owes its outcome by {@code deadline}; with an idempotency key, in
     * one transaction with the key's claim, so a repeat of the same request returns the first job and
     * creates nothing. Safe to call again after a lost response: finding its own job or claim, it
     * reports the job created.
     *
     * @throws IdempotencyKeyReusedException if the key was used for a different body
     * @throws IdempotencyKeyInUseException if a concurrent request holds the key and has not finished
     */
    public Submission create(Job job, String idempotencyKey, String bodyHash, long now, long deadline) {
        Map<String, AttributeValue> item = toItem(job);
        item.put("pending", s(Pending.DEADLINE.name()));
        item.put("pendingShard", s(shard(job.jobId())));
        item.put("pendingDue", n(deadline));
        if (idempotencyKey == null) {
            try {
                dynamoDb.putItem(b -> b.tableName(table).item(item).conditionExpression("attribute_not_exists(pk)")
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            } catch (ConditionalCheckFailedException e) {
                // Job ids are fresh UUIDs: the row can only be this call's own, written by an attempt
                // whose response was lost before the SDK retried.
                if (!e.hasItem() || !job.jobId().equals(text(e.item(), "jobId"))) {
                    throw e;
                }
            }
            return new Submission(job, true);
        }
        Map<String, AttributeValue> claim = new HashMap<>();
        claim.put("pk", s(pk(job.tenantId())));
        claim.put("sk", s("K#" + idempotencyKey));
        claim.put("jobId", s(job.jobId()));
        claim.put("bodyHash", s(bodyHash));
        claim.put("expiresAt", n((now + IDEMPOTENCY_KEY_TTL.toMillis()) / 1000));
        Put putJob = Put.builder().tableName(table).item(item).conditionExpression("attribute_not_exists(pk)").build();
        // A claim past its TTL but not yet swept by DynamoDB no longer counts.
        Put putClaim = Put.builder().tableName(table).item(claim)
                .conditionExpression("attribute_not_exists(pk) OR expiresAt < :now")
                .expressionAttributeValues(Map.of(":now", n(now / 1000))).build();
        for (int attempt = 1; ; attempt++) {
            try {
                dynamoDb.transactWriteItems(b -> b.transactItems(TransactWriteItem.builder().put(putJob).build(),
                        TransactWriteItem.builder().put(putClaim).build()));
                return new Submission(job, true);
            } catch (TransactionCanceledException e) {
                List<CancellationReason> reasons = e.cancellationReasons();
                boolean conflict = reasons.stream().anyMatch(r -> "TransactionConflict".equals(r.code()));
                boolean claimTaken = reasons.size() == 2 && "ConditionalCheckFailed".equals(reasons.get(1).code());
                if (claimTaken) {
                    return existingClaim(job, claim, bodyHash);
                }
                if (!conflict) {
                    throw e;
                }
                // Another request with the same key is writing its claim right now.
                if (attempt == CONFLICT_RETRIES) {
                    throw new IdempotencyKeyInUseException();
                }
                pause(attempt);
            }
        }
    }

    private Submission existingClaim(Job job, Map<String, AttributeValue> claim, String bodyHash) {
        Map<String, AttributeValue> existing = dynamoDb.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of("pk", claim.get("pk"), "sk", claim.get("sk")))).item();
        if (existing == null || existing.isEmpty()) {
            // Expired and swept between the transaction and this read: a retry of the request can claim it.
            throw new IdempotencyKeyInUseException();
        }
        String firstJob = text(existing, "jobId");
        if (firstJob.equals(job.jobId())) {
            return new Submission(job, true); // this call's own claim, from an attempt whose response was lost
        }
        if (!bodyHash.equals(text(existing, "bodyHash"))) {
            throw new IdempotencyKeyReusedException(firstJob);
        }
        Job first = get(job.tenantId(), firstJob).orElseThrow(() -> new IllegalStateException(
                "idempotency key claim points at missing job " + firstJob));
        return new Submission(first, false);
    }

    /** The job, or empty when there is none (an id that cannot be a job id is never looked up). */
    public Optional<Job> get(String tenantId, String jobId) {
        if (!JobIds.valid(jobId)) {
            return Optional.empty();
        }
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(table).consistentRead(true)
                .key(key(tenantId, jobId))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(fromItem(item));
    }

    /**
     * A page of the tenant's jobs, newest first, optionally of one status.
     *
     * @throws IllegalArgumentException if the cursor is not one this listing handed out
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
            query.exclusiveStartKey(startKey(cursor, tenantId, status));
        }
        QueryResponse page = dynamoDb.query(query.build());
        List<Job> jobs = page.items().stream().map(JobStore::fromItem).toList();
        String next = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
                ? encodeCursor(page.lastEvaluatedKey()) : null;
        return new JobPage(jobs, next);
    }

    /**
     * The job with this id in whichever tenant it is, for an operator who knows only the id. The
     * table is keyed by tenant, so this reads all of it (a Scan): an operator's lookup, never the
     * API's; {@link #get} is one read when the tenant is known.
     */
    public Optional<Job> find(String jobId) {
        if (!JobIds.valid(jobId)) {
            return Optional.empty();
        }
        List<Job> found = scan("jobId = :jobId", Map.of(":jobId", s(jobId)), Map.of());
        return found.stream().findFirst();
    }

    /**
     * The FAILED jobs that finished at or after {@code since} (epoch millis): the tenant's from the
     * {@code byStatus} index, or with a null tenant every tenant's, by reading the whole table (a Scan),
     * as an operator asks after an incident.
     */
    public List<Job> failedSince(String tenantId, long since) {
        if (tenantId == null) {
            return scan("#status = :failed AND finishedAt >= :since", Map.of(":failed", s(JobStatus.FAILED.name()),
                    ":since", n(since)), Map.of("#status", "status"));
        }
        List<Job> jobs = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryResponse page = dynamoDb.query(QueryRequest.builder().tableName(table).indexName("byStatus")
                    .keyConditionExpression("statusKey = :sk").filterExpression("finishedAt >= :since")
                    .expressionAttributeValues(Map.of(":sk", s(statusKey(tenantId, JobStatus.FAILED)),
                            ":since", n(since)))
                    .exclusiveStartKey(start).build());
            page.items().forEach(item -> jobs.add(fromItem(item)));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return jobs;
    }

    private List<Job> scan(String filter, Map<String, AttributeValue> values, Map<String, String> names) {
        Map<String, AttributeValue> allValues = new HashMap<>(values);
        allValues.put(":jobRow", s("J#"));
        List<Job> jobs = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            ScanRequest.Builder scan = ScanRequest.builder().tableName(table)
                    .filterExpression("begins_with(sk, :jobRow) AND " + filter).expressionAttributeValues(allValues)
                    .exclusiveStartKey(start);
            if (!names.isEmpty()) {
                scan.expressionAttributeNames(names);
            }
            ScanResponse page = dynamoDb.scan(scan.build());
            page.items().forEach(item -> jobs.add(fromItem(item)));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return jobs;
    }

    /** "Job Submitted" could not be put: the sweeper puts it again soon. */
    public void publishFailed(String tenantId, String jobId, long now) {
        conditional(update(tenantId, jobId).updateExpression("SET pending = :publish, pendingDue = :due")
                .conditionExpression("pending = :deadline AND #status = :queued")
                .expressionAttributeNames(Map.of("#status", "status"))
                .expressionAttributeValues(Map.of(":publish", s(Pending.PUBLISH.name()),
                        ":deadline", s(Pending.DEADLINE.name()), ":queued", s(JobStatus.QUEUED.name()),
                        ":due", n(now + PUBLISH_RETRY.toMillis()))));
    }

    /** The sweeper put "Job Submitted": from now the job only owes its outcome, by {@code deadline}. */
    public void published(String tenantId, String jobId, long deadline) {
        conditional(update(tenantId, jobId).updateExpression("SET pending = :deadline, pendingDue = :due"
                        + " REMOVE sweeps")
                .conditionExpression("pending = :publish")
                .expressionAttributeValues(Map.of(":deadline", s(Pending.DEADLINE.name()), ":due", n(deadline),
                        ":publish", s(Pending.PUBLISH.name()))));
    }

    /** What {@link #markRunning} found. */
    public sealed interface Claim {
        /** This delivery runs the job: it is RUNNING under this delivery's lease. */
        record Running(Job job) implements Claim {
        }

        /**
         * Nothing to run now: the job is finished, or unknown ({@code current} null), or RUNNING under
         * another delivery's lease until {@code leaseUntil} (0 otherwise).
         */
        record Skipped(Job current, long leaseUntil) implements Claim {
        }
    }

    /**
     * Takes the job for one attempt, holding it until {@code leaseUntil}: QUEUED, or RUNNING whose
     * lease ran out (an attempt that failed or died), becomes RUNNING with one more attempt. A FAILED
     * job whose error is retryable runs again (a replay: its message came back from a dead-letter
     * queue), its attempts continuing and the replay counted on the job. This conditional write is
     * the worker's idempotency record: a duplicate delivery finds the job finished or leased.
     *
     * @param deadline when a replayed job owes its outcome (a first run keeps the one set at submission)
     */
    public Claim markRunning(String tenantId, String jobId, long now, long leaseUntil, long deadline) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":running", s(JobStatus.RUNNING.name()));
        values.put(":queued", s(JobStatus.QUEUED.name()));
        values.put(":statusKey", s(statusKey(tenantId, JobStatus.RUNNING)));
        values.put(":one", n(1));
        values.put(":now", n(now));
        values.put(":lease", n(leaseUntil));
        try {
            Map<String, AttributeValue> item = dynamoDb.updateItem(update(tenantId, jobId)
                    .updateExpression("SET #status = :running, statusKey = :statusKey, attempts = attempts + :one,"
                            + " startedAt = if_not_exists(startedAt, :now), leaseUntil = :lease")
                    .conditionExpression("attribute_exists(pk) AND (#status = :queued OR (#status = :running AND"
                            + " (attribute_not_exists(leaseUntil) OR leaseUntil < :now)))")
                    .expressionAttributeNames(Map.of("#status", "status")).expressionAttributeValues(values)
                    .returnValues(ReturnValue.ALL_NEW)
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD).build())
                    .attributes();
            return new Claim.Running(fromItem(item));
        } catch (ConditionalCheckFailedException e) {
            if (!e.hasItem() || e.item().isEmpty()) {
                return new Claim.Skipped(null, 0);
            }
            Job current = fromItem(e.item());
            if (current.status() == JobStatus.FAILED && current.error() != null && current.error().retryable()) {
                return replay(current, now, leaseUntil, deadline);
            }
            return skipped(e.item());
        }
    }

    private Claim replay(Job failed, long now, long leaseUntil, long deadline) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":running", s(JobStatus.RUNNING.name()));
        values.put(":failed", s(JobStatus.FAILED.name()));
        values.put(":statusKey", s(statusKey(failed.tenantId(), JobStatus.RUNNING)));
        values.put(":true", AttributeValue.fromBool(true));
        values.put(":one", n(1));
        values.put(":zero", n(0));
        values.put(":now", n(now));
        values.put(":lease", n(leaseUntil));
        values.put(":deadline", s(Pending.DEADLINE.name()));
        values.put(":due", n(deadline));
        values.put(":shard", s(shard(failed.jobId())));
        try {
            Map<String, AttributeValue> item = dynamoDb.updateItem(update(failed.tenantId(), failed.jobId())
                    .updateExpression("SET #status = :running, statusKey = :statusKey, attempts = attempts + :one,"
                            + " leaseUntil = :lease, replays = if_not_exists(replays, :zero) + :one,"
                            + " replayedAt = :now, pending = :deadline, pendingDue = :due, pendingShard = :shard"
                            + " REMOVE #error, finishedAt, expiresAt, sweeps")
                    .conditionExpression("#status = :failed AND #error.retryable = :true")
                    .expressionAttributeNames(Map.of("#status", "status", "#error", "error"))
                    .expressionAttributeValues(values).returnValues(ReturnValue.ALL_NEW)
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD).build())
                    .attributes();
            return new Claim.Running(fromItem(item));
        } catch (ConditionalCheckFailedException e) {
            return e.hasItem() && !e.item().isEmpty() ? skipped(e.item()) : new Claim.Skipped(null, 0);
        }
    }

    private static Claim.Skipped skipped(Map<String, AttributeValue> item) {
        Job current = fromItem(item);
        Long lease = numberOrNull(item, "leaseUntil");
        return new Claim.Skipped(current, current.status() == JobStatus.RUNNING && lease != null ? lease : 0);
    }

    /** The attempt failed and will be retried: the next delivery may take the job at once. */
    public void releaseLease(String tenantId, String jobId) {
        conditional(update(tenantId, jobId).updateExpression("SET leaseUntil = :zero")
                .conditionExpression("#status = :running").expressionAttributeNames(Map.of("#status", "status"))
                .expressionAttributeValues(Map.of(":zero", n(0), ":running", s(JobStatus.RUNNING.name()))));
    }

    /**
     * The attempt found its tenant's budget spent and the job waits for the next window: RUNNING back to
     * QUEUED, the attempt not counted (waiting for money is not a failure) and the lease released.
     */
    public void requeue(String tenantId, String jobId) {
        conditional(update(tenantId, jobId).updateExpression("SET #status = :queued, statusKey = :statusKey,"
                        + " attempts = attempts - :one REMOVE leaseUntil")
                .conditionExpression("#status = :running AND attempts >= :one")
                .expressionAttributeNames(Map.of("#status", "status"))
                .expressionAttributeValues(Map.of(":queued", s(JobStatus.QUEUED.name()), ":statusKey",
                        s(statusKey(tenantId, JobStatus.QUEUED)), ":running", s(JobStatus.RUNNING.name()),
                        ":one", n(1))));
    }

    /**
     * RUNNING → SUCCEEDED with its result, in one transaction with {@code alongside} (counters say),
     * so those writes happen exactly once with the job's completion. Empty if the job was no longer
     * RUNNING: another delivery finished it.
     */
    public Optional<Job> complete(Job running, JsonNode result, S3Ref resultRef, long now,
            List<TransactWriteItem> alongside) {
        Map<String, AttributeValue> values = new HashMap<>(finishValues(running.tenantId(), running.jobId(),
                JobStatus.SUCCEEDED, now));
        values.put(":runningNow", s(JobStatus.RUNNING.name()));
        String set = "SET #status = :status, statusKey = :statusKey, finishedAt = :now, expiresAt = :expires,"
                + " pending = :announce, pendingDue = :due, pendingShard = :shard";
        Map<String, String> names = new HashMap<>(Map.of("#status", "status"));
        if (resultRef != null) {
            set += ", resultRef = :result";
            values.put(":result", s3Ref(resultRef));
        } else {
            set += ", #result = :result";
            names.put("#result", "result");
            values.put(":result", s(Json.write(result)));
        }
        Update update = Update.builder().tableName(table).key(key(running.tenantId(), running.jobId()))
                .updateExpression(set + " REMOVE leaseUntil, sweeps").conditionExpression("#status = :runningNow")
                .expressionAttributeNames(names).expressionAttributeValues(values).build();
        Job done = new Job(running.jobId(), running.tenantId(), running.userId(), running.type(), running.priority(),
                JobStatus.SUCCEEDED, running.attempts(), running.submittedAt(), running.startedAt(), now,
                running.payload(), running.payloadRef(), resultRef == null ? result : null, resultRef, null,
                running.replays(), running.replayedAt(), running.correlationId());
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
                        + " pendingShard = :shard REMOVE leaseUntil, sweeps")
                .conditionExpression("attribute_exists(pk) AND #status IN (:queued, :running)")
                .expressionAttributeNames(Map.of("#status", "status", "#error", "error"))
                .expressionAttributeValues(values));
    }

    /**
     * The write that acknowledges an announced outcome, for the notifier to commit with its push: it
     * clears the ANNOUNCE duty, and fails (as a duplicate) when the duty was cleared already or the
     * job moved on since the event was put (a replay made it RUNNING again, say).
     */
    public TransactWriteItem announcementReceived(String tenantId, String jobId, JobStatus status) {
        return TransactWriteItem.builder().update(Update.builder().tableName(table).key(key(tenantId, jobId))
                .updateExpression("REMOVE pending, pendingDue, pendingShard, sweeps")
                .conditionExpression("pending = :announce AND #status = :status")
                .expressionAttributeNames(Map.of("#status", "status"))
                .expressionAttributeValues(Map.of(":announce", s(Pending.ANNOUNCE.name()), ":status",
                        s(status.name()))).build()).build();
    }

    // ---- the sweeper's view of the outbox ----

    /** A row of the pending index as the sweeper finds it. */
    public sealed interface Due {
        /**
         * A job that owes {@code duty}; {@code sweeps} counts the sweeper's earlier tries at it (for a
         * deadline: the times the job was put again, not the times its deadline was extended).
         */
        record Owed(Job job, Pending duty, int sweeps) implements Due {
        }

        /** A row that does not read as a job: it is moved out of the way, never allowed to block the others. */
        record Unreadable(String pk, String sk, String problem) implements Due {
        }
    }

    /** Rows whose pending duty fell due at or before {@code now}, oldest first per shard. */
    public List<Due> due(long now, int limitPerShard) {
        List<Due> due = new ArrayList<>();
        for (int shard = 0; shard < PENDING_SHARDS; shard++) {
            String shardName = Integer.toString(shard);
            for (Map<String, AttributeValue> item : dynamoDb.query(b -> b.tableName(table).indexName("pending")
                    .limit(limitPerShard).keyConditionExpression("pendingShard = :shard AND pendingDue <= :now")
                    .expressionAttributeValues(Map.of(":shard", s(shardName), ":now", n(now)))).items()) {
                due.add(readDue(item));
            }
        }
        return due;
    }

    private static Due readDue(Map<String, AttributeValue> item) {
        try {
            Long sweeps = numberOrNull(item, "sweeps");
            return new Due.Owed(fromItem(item), Pending.valueOf(text(item, "pending")),
                    sweeps == null ? 0 : sweeps.intValue());
        } catch (RuntimeException e) {
            return new Due.Unreadable(text(item, "pk"), text(item, "sk"), e.toString());
        }
    }

    /** The sweeper tried {@code duty} and will try again at {@code nextDue}. */
    public void retryLater(String tenantId, String jobId, Pending duty, long nextDue) {
        conditional(update(tenantId, jobId)
                .updateExpression("SET pendingDue = :due ADD sweeps :one")
                .conditionExpression("pending = :duty")
                .expressionAttributeValues(Map.of(":due", n(nextDue), ":one", n(1), ":duty", s(duty.name()))));
    }

    /** The job's message may still wait in its queue: it owes its outcome by {@code nextDue} instead. */
    public void extendDeadline(String tenantId, String jobId, long nextDue) {
        conditional(update(tenantId, jobId).updateExpression("SET pendingDue = :due")
                .conditionExpression("pending = :deadline")
                .expressionAttributeValues(Map.of(":due", n(nextDue), ":deadline", s(Pending.DEADLINE.name()))));
    }

    /** The sweeper gives up on {@code duty} (it logged why): the row leaves the pending index. */
    public void abandon(String tenantId, String jobId, Pending duty) {
        conditional(update(tenantId, jobId).updateExpression("REMOVE pending, pendingDue, pendingShard, sweeps")
                .conditionExpression("pending = :duty").expressionAttributeValues(Map.of(":duty", s(duty.name()))));
    }

    /** An unreadable row waits until {@code nextDue}, behind the rows the sweeper can do something about. */
    public void deferUnreadable(String pk, String sk, long nextDue) {
        conditional(UpdateItemRequest.builder().tableName(table).key(Map.of("pk", s(pk), "sk", s(sk)))
                .updateExpression("SET pendingDue = :due ADD sweeps :one")
                .conditionExpression("attribute_exists(pending)")
                .expressionAttributeValues(Map.of(":due", n(nextDue), ":one", n(1))));
    }

    // ---- the send ledger of jobs whose effect must happen at most once (an e-mail) ----

    /** What an earlier attempt recorded about its send. */
    public enum SendState { SENDING }

    /**
     * Records on the job row that this attempt is about to send: empty if it may, else what an
     * earlier attempt left (it was interrupted while sending, so nobody can tell whether it sent).
     */
    public Optional<SendState> claimSend(String tenantId, String jobId, long now) {
        try {
            dynamoDb.updateItem(update(tenantId, jobId).updateExpression("SET sendState = :sending, sendClaimedAt = :now")
                    .conditionExpression("attribute_exists(pk) AND attribute_not_exists(sendState)")
                    .expressionAttributeValues(Map.of(":sending", s(SendState.SENDING.name()), ":now", n(now)))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD).build());
            return Optional.empty();
        } catch (ConditionalCheckFailedException e) {
            if (!e.hasItem() || e.item().isEmpty()) {
                throw new IllegalStateException("job " + jobId + " has no row to record its send on", e);
            }
            return Optional.of(SendState.valueOf(text(e.item(), "sendState")));
        }
    }

    /** The provider refused before sending anything: a later attempt may send. */
    public void releaseSend(String tenantId, String jobId) {
        conditional(update(tenantId, jobId).updateExpression("REMOVE sendState, sendClaimedAt")
                .conditionExpression("sendState = :sending")
                .expressionAttributeValues(Map.of(":sending", s(SendState.SENDING.name()))));
    }

    private static Map<String, AttributeValue> finishValues(String tenantId, String jobId, JobStatus status,
            long now) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":status", s(status.name()));
        values.put(":statusKey", s(statusKey(tenantId, status)));
        values.put(":now", n(now));
        values.put(":expires", n((now + RETENTION.toMillis()) / 1000));
        values.put(":announce", s(Pending.ANNOUNCE.name()));
        values.put(":due", n(now + ANNOUNCE_GRACE.toMillis()));
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

    private static void pause(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(20L << attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
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
        if (job.correlationId() != null) {
            item.put("correlationId", s(job.correlationId()));
        }
        return item;
    }

    static Job fromItem(Map<String, AttributeValue> item) {
        Long replays = numberOrNull(item, "replays");
        return new Job(text(item, "jobId"), text(item, "tenantId"), text(item, "userId"),
                JobType.fromWire(text(item, "type")), text(item, "priority"), JobStatus.valueOf(text(item, "status")),
                (int) number(item, "attempts"), number(item, "submittedAt"), numberOrNull(item, "startedAt"),
                numberOrNull(item, "finishedAt"), json(item, "payload"), s3Ref(item.get("payloadRef")),
                json(item, "result"), s3Ref(item.get("resultRef")), error(item.get("error")),
                replays == null ? 0 : replays.intValue(), numberOrNull(item, "replayedAt"),
                text(item, "correlationId"));
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
        String v = text(item, name);
        return v == null ? null : Json.parse(v);
    }

    private static String encodeCursor(Map<String, AttributeValue> lastKey) {
        ObjectNode node = Json.object();
        lastKey.forEach((k, v) -> node.put(k, v.s()));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Json.write(node).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The exclusive start key a cursor stands for, checked to be exactly the key this listing hands
     * out for this tenant: the right attributes, each a string of the right shape, nothing else.
     */
    private static Map<String, AttributeValue> startKey(String cursor, String tenantId, JobStatus status) {
        JsonNode node;
        try {
            node = Json.parse(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cursor is not valid", e);
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("cursor is not valid");
        }
        Map<String, AttributeValue> key = new HashMap<>();
        node.properties().forEach(e -> key.put(e.getKey(), e.getValue().isTextual() ? s(e.getValue().asText()) : null));
        String sk = key.get("sk") == null ? null : key.get("sk").s();
        boolean valid = key.keySet().equals(status == null ? TABLE_KEY : BY_STATUS_KEY)
                && !key.containsValue(null)
                && s(pk(tenantId)).equals(key.get("pk"))
                && sk.startsWith("J#") && JobIds.valid(sk.substring(2))
                && (status == null || (s(statusKey(tenantId, status)).equals(key.get("statusKey"))
                        && sk.substring(2).equals(key.get("jobId").s())));
        if (!valid) {
            throw new IllegalArgumentException("cursor does not belong to this listing");
        }
        return key;
    }
}
