package dev.sluice.core.keys;

import dev.sluice.core.hash.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * API keys per tenant with API Gateway usage-plan limits, in DynamoDB (table {@code sluice-api-keys},
 * partition key {@code keyHash}). Only the SHA-256 of a secret is stored.
 *
 * <p>The rate limit is GCRA, the token bucket's exact equivalent kept as one number: the
 * theoretical arrival time {@code tat}. A request at {@code now} passes if {@code max(tat, now) + T}
 * is at most {@code now + burst·T} (T = 1/rate), and moves {@code tat} there. Each check is a single
 * conditional update, counted against the month's quota in the same write, so concurrent requests on
 * one key never lose an update or retry, every API instance sees the same limits, and a revocation
 * applies at once.
 */
public final class ApiKeys {

    private static final String PREFIX = "sk_";
    /**
     * How long a key's tenant, user and limits are reused without a read, as API Gateway caches an
     * authorizer's answer. Revocation is not cached: every counting write is conditional on it.
     */
    static final long CACHE_MILLIS = 60_000;

    /** A key as last read, and where this instance last saw its bucket. */
    private record Cached(ApiKey key, long readAt, double tat) {
    }

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public ApiKeys(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
    }

    public IssuedKey create(String tenantId, String userId, String name, UsageLimits limits, long now) {
        byte[] secretBytes = new byte[32];
        random.nextBytes(secretBytes);
        String secret = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
        byte[] idBytes = new byte[6];
        random.nextBytes(idBytes);
        String keyId = "key_" + HexFormat.of().formatHex(idBytes);
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("keyHash", s(Sha256.hex(secret)));
        item.put("keyId", s(keyId));
        item.put("tenantId", s(tenantId));
        item.put("userId", s(userId));
        item.put("name", s(name));
        item.put("createdAt", n(now));
        item.put("rate", AttributeValue.fromN(Double.toString(limits.ratePerSecond())));
        item.put("burst", n(limits.burst()));
        item.put("quota", n(limits.monthlyQuota()));
        dynamoDb.putItem(b -> b.tableName(table).item(item).conditionExpression("attribute_not_exists(keyHash)"));
        return new IssuedKey(fromItem(item, month(now)), secret);
    }

    public List<ApiKey> list() {
        String month = month(System.currentTimeMillis());
        List<ApiKey> keys = new ArrayList<>();
        dynamoDb.scanPaginator(b -> b.tableName(table)).items().forEach(item -> keys.add(fromItem(item, month)));
        keys.sort(java.util.Comparator.comparing(ApiKey::tenantId).thenComparing(ApiKey::createdAt));
        return keys;
    }

    /** Revokes the key with this id; false if there is none. Effective on the next request. */
    public boolean revoke(String keyId, long now) {
        Optional<Map<String, AttributeValue>> item = dynamoDb.scanPaginator(b -> b.tableName(table)
                .filterExpression("keyId = :id").expressionAttributeValues(Map.of(":id", s(keyId))))
                .items().stream().findFirst();
        if (item.isEmpty()) {
            return false;
        }
        dynamoDb.updateItem(b -> b.tableName(table).key(Map.of("keyHash", item.get().get("keyHash")))
                .updateExpression("SET revokedAt = if_not_exists(revokedAt, :now)")
                .expressionAttributeValues(Map.of(":now", n(now))));
        return true;
    }

    /** Checks a presented key and, if it may pass, counts this request against its limits. */
    public Access authorize(String presented, long now) {
        if (presented == null || presented.isBlank()) {
            return new Access.Denied(401, "missing_api_key", "an API key is required (header x-api-key)", 0);
        }
        String hash = Sha256.hex(presented);
        Cached cached = cache.get(hash);
        if (cached == null || now - cached.readAt() > CACHE_MILLIS) {
            Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(table).consistentRead(true)
                    .key(Map.of("keyHash", s(hash)))).item();
            // The lookup is by hash, so timing says nothing about the secret; compare in constant time all the same.
            if (item == null || item.isEmpty() || !MessageDigest.isEqual(item.get("keyHash").s()
                    .getBytes(StandardCharsets.US_ASCII), hash.getBytes(StandardCharsets.US_ASCII))) {
                cache.remove(hash);
                return new Access.Denied(403, "invalid_api_key", "the API key is not valid", 0);
            }
            cached = new Cached(fromItem(item, month(now)), now,
                    item.containsKey("tat") ? Double.parseDouble(item.get("tat").n()) : 0);
        }
        ApiKey key = cached.key();
        if (key.revokedAt() != null) {
            return new Access.Denied(403, "invalid_api_key", "the API key has been revoked", 0);
        }
        String month = month(now);
        UsageLimits limits = key.limits();
        double interval = 1000.0 / limits.ratePerSecond();
        // A bucket that is idle (tat in the past) and one with requests ahead of now take different
        // writes; start with the one the last known tat points to, and try the other if it was wrong.
        String idleSet = "SET tat = :next";
        String idleCondition = "(attribute_not_exists(tat) OR tat < :now)";
        Map<String, AttributeValue> idleValues = Map.of(":next", d(now + interval), ":now", n(now));
        String busySet = "SET tat = tat + :interval";
        String busyCondition = "tat >= :now AND tat <= :latest";
        Map<String, AttributeValue> busyValues = Map.of(":interval", d(interval), ":now", n(now),
                ":latest", d(now + (limits.burst() - 1) * interval));
        boolean busy = cached.tat() >= now;
        Map<String, AttributeValue> old = busy ? count(hash, month, limits, busySet, busyCondition, busyValues)
                : count(hash, month, limits, idleSet, idleCondition, idleValues);
        if (old != null && !old.isEmpty() && !old.containsKey("revokedAt")) {
            old = busy ? count(hash, month, limits, idleSet, idleCondition, idleValues)
                    : count(hash, month, limits, busySet, busyCondition, busyValues);
        }
        double tatNow = old == null ? Math.max(cached.tat(), now) + interval
                : old.containsKey("tat") ? Double.parseDouble(old.get("tat").n()) : now;
        cache.put(hash, new Cached(key, cached.readAt(), tatNow));
        if (old == null) {
            return new Access.Granted(key);
        }
        if (old.isEmpty() || old.containsKey("revokedAt")) {
            // Deleted or revoked since this instance read it.
            cache.remove(hash);
            return new Access.Denied(403, "invalid_api_key", old.isEmpty() ? "the API key is not valid"
                    : "the API key has been revoked", 0);
        }
        if (used(old, month) >= limits.monthlyQuota()) {
            return new Access.Denied(429, "quota_exceeded", "the monthly quota of " + limits.monthlyQuota()
                    + " requests for this key is used up", secondsToNextMonth(now));
        }
        long waitMillis = (long) Math.ceil(tatNow + interval - limits.burst() * interval - now);
        return new Access.Denied(429, "rate_limited", "over " + limits.ratePerSecond() + " requests/s (burst "
                + limits.burst() + ") for this key", Math.max(1, (waitMillis + 999) / 1000));
    }

    /**
     * One conditional update moving the bucket and counting the month; null if it passed, else the
     * item as it was (to tell which limit refused).
     */
    private Map<String, AttributeValue> count(String hash, String month, UsageLimits limits, String set,
            String rateCondition, Map<String, AttributeValue> values) {
        Map<String, AttributeValue> all = new HashMap<>(values);
        all.put(":one", n(1));
        all.put(":quota", n(limits.monthlyQuota()));
        try {
            dynamoDb.updateItem(b -> b.tableName(table).key(Map.of("keyHash", s(hash)))
                    .updateExpression(set + " ADD #used :one")
                    .conditionExpression("attribute_exists(keyHash) AND attribute_not_exists(revokedAt) AND "
                            + rateCondition + " AND (attribute_not_exists(#used) OR #used < :quota)")
                    .expressionAttributeNames(Map.of("#used", "used#" + month))
                    .expressionAttributeValues(all)
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return null;
        } catch (ConditionalCheckFailedException refused) {
            return refused.hasItem() ? refused.item() : Map.of();
        }
    }

    private static String month(long now) {
        return YearMonth.from(Instant.ofEpochMilli(now).atZone(ZoneOffset.UTC)).toString();
    }

    private static long secondsToNextMonth(long now) {
        LocalDate first = YearMonth.from(Instant.ofEpochMilli(now).atZone(ZoneOffset.UTC)).plusMonths(1).atDay(1);
        long next = first.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        return Math.max(1, (next - now + 999) / 1000);
    }

    private static long used(Map<String, AttributeValue> item, String month) {
        AttributeValue used = item.get("used#" + month);
        return used == null ? 0 : Long.parseLong(used.n());
    }

    private static ApiKey fromItem(Map<String, AttributeValue> item, String month) {
        UsageLimits limits = new UsageLimits(Double.parseDouble(item.get("rate").n()),
                Integer.parseInt(item.get("burst").n()), Long.parseLong(item.get("quota").n()));
        AttributeValue revoked = item.get("revokedAt");
        return new ApiKey(item.get("keyId").s(), item.get("tenantId").s(), item.get("userId").s(),
                item.get("name").s(), Long.parseLong(item.get("createdAt").n()),
                revoked == null ? null : Long.parseLong(revoked.n()), limits, month, used(item, month));
    }

    private static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    private static AttributeValue n(long v) {
        return AttributeValue.fromN(Long.toString(v));
    }

    private static AttributeValue d(double v) {
        return AttributeValue.fromN(Double.toString(v));
    }
}
