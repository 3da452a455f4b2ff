package dev.sluice.operations.audit;

import static dev.sluice.core.dynamodb.Attributes.n;
import static dev.sluice.core.dynamodb.Attributes.s;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * The record of who replayed, redrove, retried or purged what (the topology's {@code sluice-audit}
 * table). An action is written before it acts ({@link #begin}) and again after ({@link #finish}), so
 * one that was cut short still shows, as unfinished. Items are keyed {@code pk = audit#YYYY-MM} of
 * their start and {@code sk = start time#id}: operator actions are few, a month is one Query in time
 * order, and no scan is ever needed. Kept a year (TTL {@code expiresAt}).
 */
public final class AuditLog {

    /** The topology name of the table. */
    public static final String TABLE = "sluice-audit";

    private static final Duration KEPT = Duration.ofDays(366);
    private static final DateTimeFormatter SORTABLE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final Clock clock;

    public AuditLog(DynamoDbClient dynamoDb, String table, Clock clock) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.clock = clock;
    }

    /** Records that {@code principal} is about to act; the record is unfinished until {@link #finish}. */
    public AuditRecord begin(String operation, String principal, String via, String target,
            Map<String, String> selection, boolean dryRun) {
        AuditRecord started = new AuditRecord(UUID.randomUUID().toString(), operation, principal, via, target, selection, dryRun,
                clock.instant(), null, null, Map.of(), null);
        Map<String, AttributeValue> item = new HashMap<>(key(started));
        item.put("id", s(started.id()));
        item.put("operation", s(operation));
        item.put("principal", s(principal));
        item.put("via", s(via));
        item.put("target", s(target));
        item.put("selection", AttributeValue.fromM(strings(selection)));
        item.put("dryRun", AttributeValue.fromBool(dryRun));
        item.put("startedAt", n(started.startedAt().toEpochMilli()));
        item.put("expiresAt", n(started.startedAt().plus(KEPT).getEpochSecond()));
        dynamoDb.putItem(b -> b.tableName(table).item(item).conditionExpression("attribute_not_exists(pk)"));
        return started;
    }

    /** Records how the action ended; {@code error} is null unless it stopped on one. */
    public AuditRecord finish(AuditRecord started, AuditRecord.Outcome outcome, Map<String, Long> counts,
            String error) {
        AuditRecord finished = new AuditRecord(started.id(), started.operation(), started.principal(), started.via(),
                started.target(), started.selection(), started.dryRun(), started.startedAt(), clock.instant(), outcome,
                counts, error);
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":finishedAt", n(finished.finishedAt().toEpochMilli()));
        values.put(":outcome", s(outcome.name()));
        Map<String, AttributeValue> countValues = new TreeMap<>();
        counts.forEach((k, v) -> countValues.put(k, n(v)));
        values.put(":counts", AttributeValue.fromM(countValues));
        String set = "SET finishedAt = :finishedAt, outcome = :outcome, #counts = :counts"
                + (error != null ? ", #error = :error" : "");
        if (error != null) {
            values.put(":error", s(error));
        }
        Map<String, String> names = error != null ? Map.of("#counts", "counts", "#error", "error")
                : Map.of("#counts", "counts");
        dynamoDb.updateItem(b -> b.tableName(table).key(key(started)).updateExpression(set)
                .conditionExpression("attribute_exists(pk)").expressionAttributeNames(names)
                .expressionAttributeValues(values));
        return finished;
    }

    /** Every action started at or after {@code since}, oldest first. */
    public List<AuditRecord> since(Instant since) {
        List<AuditRecord> records = new ArrayList<>();
        YearMonth month = YearMonth.from(since.atZone(ZoneOffset.UTC));
        YearMonth last = YearMonth.from(clock.instant().atZone(ZoneOffset.UTC));
        for (; !month.isAfter(last); month = month.plusMonths(1)) {
            Map<String, AttributeValue> start = null;
            do {
                QueryRequest.Builder query = QueryRequest.builder().tableName(table)
                        .keyConditionExpression("pk = :pk AND sk >= :from")
                        .expressionAttributeValues(Map.of(":pk", s(partition(month)), ":from", s(sortPrefix(since))))
                        .exclusiveStartKey(start);
                QueryResponse page = dynamoDb.query(query.build());
                page.items().forEach(item -> records.add(fromItem(item)));
                start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey()
                        : null;
            } while (start != null);
        }
        return records;
    }

    private static Map<String, AttributeValue> key(AuditRecord record) {
        YearMonth month = YearMonth.from(record.startedAt().atZone(ZoneOffset.UTC));
        return Map.of("pk", s(partition(month)), "sk", s(sortPrefix(record.startedAt()) + "#" + record.id()));
    }

    private static String partition(YearMonth month) {
        return "audit#" + month;
    }

    /** ISO-8601 with fixed-width milliseconds, so text order is time order. */
    private static String sortPrefix(Instant at) {
        return SORTABLE.format(at);
    }

    private static Map<String, AttributeValue> strings(Map<String, String> values) {
        Map<String, AttributeValue> m = new TreeMap<>();
        values.forEach((k, v) -> m.put(k, s(v)));
        return m;
    }

    private static AuditRecord fromItem(Map<String, AttributeValue> item) {
        Map<String, String> selection = new TreeMap<>();
        item.getOrDefault("selection", AttributeValue.fromM(Map.of())).m().forEach((k, v) -> selection.put(k, v.s()));
        Map<String, Long> counts = new TreeMap<>();
        item.getOrDefault("counts", AttributeValue.fromM(Map.of())).m()
                .forEach((k, v) -> counts.put(k, Long.parseLong(v.n())));
        AttributeValue finishedAt = item.get("finishedAt");
        AttributeValue outcome = item.get("outcome");
        AttributeValue error = item.get("error");
        return new AuditRecord(item.get("id").s(), item.get("operation").s(), item.get("principal").s(),
                item.get("via").s(), item.get("target").s(), selection, Boolean.TRUE.equals(item.get("dryRun").bool()),
                Instant.ofEpochMilli(Long.parseLong(item.get("startedAt").n())),
                finishedAt == null ? null : Instant.ofEpochMilli(Long.parseLong(finishedAt.n())),
                outcome == null ? null : AuditRecord.Outcome.valueOf(outcome.s()), counts,
                error == null ? null : error.s());
    }
}
