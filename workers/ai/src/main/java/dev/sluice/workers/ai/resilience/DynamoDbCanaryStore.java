package dev.sluice.workers.ai.resilience;

import dev.sluice.workers.ai.gateway.Route;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Canaries in the {@code sluice-ai-canaries} table, shared by every instance. Per route and candidate
 * ({@code pk} = {@code modelType#candidate}):
 * <ul>
 *   <li>{@code sk = state}: {@code percent}, the override of the configured percent set by a rollback, valid
 *       while the configuration still says {@code configuredPercent} (a new configured percent is a new decision
 *       and resumes the trial), with {@code rolledBackAt} and the count of {@code rollbacks};
 *   <li>{@code sk = window#START}: the counters of one tumbling window (requests, errors, priced requests and
 *       their cost, one latency histogram bucket per attribute), added to atomically, expiring a week after;
 *   <li>{@code sk = rollback#AT}: each rollback with its figures, kept.
 * </ul>
 * Windows are tumbling (aligned on the epoch): the count restarts at each window, and {@code minRequests} keeps a
 * young window from deciding. One UpdateItem per canary call; the state is read at most once per
 * {@code stateTtl} per instance. The rollback is one transaction (state and record together, conditional), so
 * instances that see the same breach record it once. A store that cannot be reached sends everybody to the
 * primary (no trial runs blind) and never fails the call.
 */
public final class DynamoDbCanaryStore implements CanaryStore {

    private static final Logger LOG = LoggerFactory.getLogger(DynamoDbCanaryStore.class);
    private static final Duration WINDOW_KEPT = Duration.ofDays(7);

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final Clock clock;
    private final Duration stateTtl;
    private final Map<String, Cached> states = new ConcurrentHashMap<>();

    private record Cached(int percent, Instant until) {
    }

    public DynamoDbCanaryStore(DynamoDbClient dynamoDb, String table, Clock clock, Duration stateTtl) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.clock = clock;
        this.stateTtl = stateTtl;
    }

    public DynamoDbCanaryStore(DynamoDbClient dynamoDb, String table) {
        this(dynamoDb, table, Clock.systemUTC(), Duration.ofSeconds(10));
    }

    @Override
    public int percent(Route route) {
        Route.Canary canary = route.canary();
        if (canary == null) {
            return 0;
        }
        String pk = key(route);
        Instant now = clock.instant();
        Cached cached = states.get(pk);
        if (cached != null && now.isBefore(cached.until())) {
            return cached.percent();
        }
        int percent;
        try {
            Map<String, AttributeValue> state = dynamoDb.getItem(b -> b.tableName(table)
                    .key(Map.of("pk", s(pk), "sk", s("state")))).item();
            percent = state.containsKey("percent")
                    && number(state, "configuredPercent") == canary.percent()
                    ? (int) number(state, "percent") : canary.percent();
        } catch (SdkException e) {
            LOG.warn("canary state of {} not readable, everybody to the primary: {}", pk, e.toString());
            percent = 0;
        }
        states.put(pk, new Cached(percent, now.plus(stateTtl)));
        return percent;
    }

    @Override
    public void record(Route route, CanaryOutcome outcome) {
        Route.Canary canary = route.canary();
        String pk = key(route);
        Instant now = clock.instant();
        long windowMillis = canary.window().toMillis();
        Instant start = Instant.ofEpochMilli(now.toEpochMilli() - Math.floorMod(now.toEpochMilli(), windowMillis));
        Instant end = start.plusMillis(windowMillis);
        String latencyBucket = "lat" + CanaryWindow.bucketOf(outcome.latency());

        Map<String, String> names = new HashMap<>(Map.of("#requests", "requests", "#errors", "errors",
                "#lat", latencyBucket, "#expiresAt", "expiresAt", "#windowEnd", "windowEnd"));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":one", n(1), ":error", n(outcome.error() ? 1 : 0),
                ":expiresAt", n(end.plus(WINDOW_KEPT).getEpochSecond()), ":windowEnd", s(end.toString())));
        StringBuilder add = new StringBuilder("ADD #requests :one, #errors :error, #lat :one");
        if (outcome.costUsd() != null) {
            names.put("#priced", "priced");
            names.put("#cost", "costUsd");
            values.put(":cost", AttributeValue.fromN(outcome.costUsd().toPlainString()));
            add.append(", #priced :one, #cost :cost");
        }
        Map<String, AttributeValue> counters;
        try {
            counters = dynamoDb.updateItem(b -> b.tableName(table)
                    .key(Map.of("pk", s(pk), "sk", s("window#" + start)))
                    .updateExpression(add + " SET #expiresAt = :expiresAt, #windowEnd = :windowEnd")
                    .expressionAttributeNames(names).expressionAttributeValues(values)
                    .returnValues(ReturnValue.ALL_NEW)).attributes();
        } catch (SdkException e) {
            LOG.warn("canary call of {} not counted: {}", pk, e.toString());
            return;
        }
        CanaryWindow window = window(start, end, counters);
        List<String> breaches = window.breaches(canary);
        if (!breaches.isEmpty() && percent(route) > 0) {
            rollBack(route, window, breaches, now);
        }
    }

    /** The rollbacks of a route's canary, oldest first. */
    public List<CanaryRollback> rollbacks(Route route) {
        List<CanaryRollback> rollbacks = new ArrayList<>();
        dynamoDb.queryPaginator(b -> b.tableName(table).keyConditionExpression("pk = :pk AND begins_with(sk, :p)")
                .expressionAttributeValues(Map.of(":pk", s(key(route)), ":p", s("rollback#"))))
                .items().forEach(item -> rollbacks.add(new CanaryRollback(item.get("route").s(),
                        item.get("candidate").s(), (int) number(item, "fromPercent"), item.get("reasons").ss(),
                        Double.parseDouble(item.get("errorRate").n()),
                        item.containsKey("p95Ms") ? Duration.ofMillis(number(item, "p95Ms")) : null,
                        item.containsKey("costPerRequestUsd") ? new BigDecimal(item.get("costPerRequestUsd").n()) : null,
                        number(item, "requests"), Instant.parse(item.get("windowStart").s()),
                        Instant.parse(item.get("windowEnd").s()), Instant.parse(item.get("at").s()))));
        return rollbacks;
    }

    private void rollBack(Route route, CanaryWindow window, List<String> breaches, Instant now) {
        Route.Canary canary = route.canary();
        String pk = key(route);
        CanaryRollback rollback = new CanaryRollback(route.modelType(), canary.modelId(), canary.percent(), breaches,
                window.errorRate(), window.p95(), window.costPerRequestUsd(), window.requests(), window.start(),
                window.end(), now);
        Map<String, AttributeValue> record = new HashMap<>();
        record.put("pk", s(pk));
        record.put("sk", s("rollback#" + now + "#" + window.start()));
        record.put("route", s(rollback.route()));
        record.put("primary", s(route.modelId()));
        record.put("candidate", s(rollback.candidate()));
        record.put("fromPercent", n(rollback.fromPercent()));
        record.put("reasons", AttributeValue.fromSs(breaches));
        record.put("errorRate", AttributeValue.fromN(Double.toString(rollback.errorRate())));
        record.put("errors", n(window.errors()));
        record.put("requests", n(rollback.requests()));
        if (rollback.p95() != null) {
            record.put("p95Ms", n(rollback.p95().toMillis()));
        }
        if (rollback.costPerRequestUsd() != null) {
            record.put("costPerRequestUsd", AttributeValue.fromN(rollback.costPerRequestUsd().toPlainString()));
        }
        record.put("windowStart", s(window.start().toString()));
        record.put("windowEnd", s(window.end().toString()));
        record.put("at", s(now.toString()));
        try {
            dynamoDb.transactWriteItems(t -> t.transactItems(
                    i -> i.update(u -> u.tableName(table).key(Map.of("pk", s(pk), "sk", s("state")))
                            .updateExpression("SET #percent = :zero, #configured = :configured, #at = :at "
                                    + "ADD #rollbacks :one")
                            .conditionExpression("attribute_not_exists(#percent) OR #percent <> :zero "
                                    + "OR #configured <> :configured")
                            .expressionAttributeNames(Map.of("#percent", "percent", "#configured",
                                    "configuredPercent", "#at", "rolledBackAt", "#rollbacks", "rollbacks"))
                            .expressionAttributeValues(Map.of(":zero", n(0), ":configured", n(canary.percent()),
                                    ":at", s(now.toString()), ":one", n(1)))),
                    i -> i.put(p -> p.tableName(table).item(record).conditionExpression("attribute_not_exists(sk)"))));
            LOG.warn("canary rolled back to 0 %: route={} candidate={} fromPercent={} reasons={} errorRate={} "
                    + "p95Ms={} costPerRequestUsd={} requests={} errors={} window={}/{}", rollback.route(),
                    rollback.candidate(), rollback.fromPercent(), breaches, rollback.errorRate(),
                    rollback.p95() == null ? null : rollback.p95().toMillis(), rollback.costPerRequestUsd(),
                    rollback.requests(), window.errors(), window.start(), window.end());
        } catch (TransactionCanceledException e) {
            // Another instance rolled it back first: nothing to record twice.
        } catch (SdkException e) {
            LOG.warn("canary {} breaks {} but its rollback was not written: {}", pk, breaches, e.toString());
            return;
        }
        states.put(pk, new Cached(0, now.plus(stateTtl)));
    }

    private static CanaryWindow window(Instant start, Instant end, Map<String, AttributeValue> counters) {
        List<Long> latencies = new ArrayList<>();
        for (int i = 0; i < CanaryWindow.BUCKETS; i++) {
            latencies.add(number(counters, "lat" + i));
        }
        BigDecimal cost = counters.containsKey("costUsd") ? new BigDecimal(counters.get("costUsd").n()) : BigDecimal.ZERO;
        return new CanaryWindow(start, end, number(counters, "requests"), number(counters, "errors"),
                number(counters, "priced"), cost, latencies);
    }

    private static String key(Route route) {
        return route.modelType() + "#" + route.canary().modelId();
    }

    private static long number(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? 0 : Long.parseLong(value.n());
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
