package dev.sluice.core.keys;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * API keys per tenant with API Gateway usage-plan limits, in DynamoDB (table {@code sluice-api-keys},
 * partition key {@code keyHash}). Only the SHA-256 of a secret is stored. Checking a key and counting
 * the request against its bucket and monthly quota is one read and one conditional write on the
 * key's own item, so every API instance sees the same limits and a revocation applies at once.
 */
public final class ApiKeys {

    private static final String PREFIX = "sk_";
    /** Optimistic writes lost to concurrent requests on the same key before we call it overload. */
    private static final int MAX_CONTENTION_RETRIES = 8;

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final SecureRandom random = new SecureRandom();

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
        item.put("keyHash", s(hash(secret)));
        item.put("keyId", s(keyId));
        item.put("tenantId", s(tenantId));
        item.put("userId", s(userId));
        item.put("name", s(name));
        item.put("createdAt", n(now));
        item.put("rate", AttributeValue.fromN(Double.toString(limits.ratePerSecond())));
        item.put("burst", n(limits.burst()));
        item.put("quota", n(limits.monthlyQuota()));
        item.put("tokens", AttributeValue.fromN(Integer.toString(limits.burst())));
        item.put("refilledAt", n(now));
        item.put("month", s(month(now)));
        item.put("used", n(0));
        item.put("version", n(0));
        dynamoDb.putItem(b -> b.tableName(table).item(item).conditionExpression("attribute_not_exists(keyHash)"));
        return new IssuedKey(fromItem(item), secret);
    }

    public List<ApiKey> list() {
        List<ApiKey> keys = new ArrayList<>();
        dynamoDb.scanPaginator(b -> b.tableName(table)).items().forEach(item -> keys.add(fromItem(item)));
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
        String hash = hash(presented);
        for (int attempt = 0; attempt <= MAX_CONTENTION_RETRIES; attempt++) {
            Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(table).consistentRead(true)
                    .key(Map.of("keyHash", s(hash)))).item();
            // The lookup is by hash, so timing says nothing about the secret; compare in constant time all the same.
            if (item == null || item.isEmpty() || !MessageDigest.isEqual(
                    item.get("keyHash").s().getBytes(StandardCharsets.US_ASCII),
                    hash.getBytes(StandardCharsets.US_ASCII))) {
                return new Access.Denied(403, "invalid_api_key", "the API key is not valid", 0);
            }
            ApiKey key = fromItem(item);
            if (key.revokedAt() != null) {
                return new Access.Denied(403, "invalid_api_key", "the API key has been revoked", 0);
            }
            UsageLimits limits = key.limits();
            double tokens = Math.min(limits.burst(), Double.parseDouble(item.get("tokens").n())
                    + Math.max(0, now - Long.parseLong(item.get("refilledAt").n())) * limits.ratePerSecond() / 1000.0);
            if (tokens < 1) {
                long wait = (long) Math.ceil((1 - tokens) / limits.ratePerSecond());
                return new Access.Denied(429, "rate_limited", "over " + limits.ratePerSecond()
                        + " requests/s (burst " + limits.burst() + ") for this key", Math.max(1, wait));
            }
            String month = month(now);
            long used = month.equals(key.month()) ? key.usedThisMonth() : 0;
            if (used >= limits.monthlyQuota()) {
                return new Access.Denied(429, "quota_exceeded", "the monthly quota of " + limits.monthlyQuota()
                        + " requests for this key is used up", secondsToNextMonth(now));
            }
            long version = Long.parseLong(item.get("version").n());
            try {
                dynamoDb.updateItem(b -> b.tableName(table).key(Map.of("keyHash", s(hash)))
                        .updateExpression("SET tokens = :tokens, refilledAt = :now, #month = :month, used = :used,"
                                + " version = :next")
                        .conditionExpression("version = :version")
                        .expressionAttributeNames(Map.of("#month", "month"))
                        .expressionAttributeValues(Map.of(":tokens", AttributeValue.fromN(Double.toString(tokens - 1)),
                                ":now", n(now), ":month", s(month), ":used", n(used + 1), ":next", n(version + 1),
                                ":version", n(version))));
                return new Access.Granted(new ApiKey(key.keyId(), key.tenantId(), key.userId(), key.name(),
                        key.createdAt(), null, limits, month, used + 1));
            } catch (ConditionalCheckFailedException concurrent) {
                // Another request on this key counted first: read its count and try again.
            }
        }
        return new Access.Denied(429, "rate_limited", "too many concurrent requests for this key", 1);
    }

    static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
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

    private static ApiKey fromItem(Map<String, AttributeValue> item) {
        UsageLimits limits = new UsageLimits(Double.parseDouble(item.get("rate").n()),
                Integer.parseInt(item.get("burst").n()), Long.parseLong(item.get("quota").n()));
        AttributeValue revoked = item.get("revokedAt");
        return new ApiKey(item.get("keyId").s(), item.get("tenantId").s(), item.get("userId").s(),
                item.get("name").s(), Long.parseLong(item.get("createdAt").n()),
                revoked == null ? null : Long.parseLong(revoked.n()), limits, item.get("month").s(),
                Long.parseLong(item.get("used").n()));
    }

    private static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    private static AttributeValue n(long v) {
        return AttributeValue.fromN(Long.toString(v));
    }
}
