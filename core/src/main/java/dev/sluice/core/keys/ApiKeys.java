package dev.sluice.core.keys;

import static dev.sluice.core.dynamodb.Attributes.n;
import static dev.sluice.core.dynamodb.Attributes.s;

import dev.sluice.core.hash.Sha256;
import dev.sluice.core.topology.UsagePlanSpec;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * API keys per tenant in DynamoDB (table {@code sluice-api-keys}, partition key {@code keyHash}): only
 * the SHA-256 of a secret is stored, with the tenant, the user, the usage plan the key is metered
 * by and its role (tenant or admin). The gateway meters and throttles; this table is read by the authorizer, one GetItem per key and
 * authorizer cache period, never per request.
 */
public final class ApiKeys {

    private static final String PREFIX = "sk_";

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final SecureRandom random = new SecureRandom();

    public ApiKeys(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
    }

    /** A tenant's key. */
    public IssuedKey create(String tenantId, String userId, String name, String usagePlan, long now) {
        return create(tenantId, userId, name, usagePlan, KeyRole.TENANT, now);
    }

    public IssuedKey create(String tenantId, String userId, String name, String usagePlan, KeyRole role, long now) {
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
        item.put("usagePlan", s(usagePlan));
        item.put("role", s(role.wire()));
        item.put("createdAt", n(now));
        dynamoDb.putItem(b -> b.tableName(table).item(item).conditionExpression("attribute_not_exists(keyHash)"));
        return new IssuedKey(fromItem(item), secret);
    }

    /** The key whose secret was presented, revoked or not; empty if there is none. One consistent GetItem. */
    public Optional<ApiKey> find(String secret) {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of("keyHash", s(Sha256.hex(secret))))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(fromItem(item));
    }

    public List<ApiKey> list() {
        List<ApiKey> keys = new ArrayList<>();
        dynamoDb.scanPaginator(b -> b.tableName(table)).items().forEach(item -> keys.add(fromItem(item)));
        keys.sort(Comparator.comparing(ApiKey::tenantId).thenComparing(ApiKey::createdAt));
        return keys;
    }

    /** The ids of every revoked key: what the sweeper ends WebSocket connections of. */
    public Set<String> revokedKeyIds() {
        Set<String> ids = new HashSet<>();
        dynamoDb.scanPaginator(b -> b.tableName(table).filterExpression("attribute_exists(revokedAt)")
                .projectionExpression("keyId")).items().forEach(item -> ids.add(item.get("keyId").s()));
        return ids;
    }

    /**
     * Revokes the key with this id; false if there is none. The gateway refuses it once the authorizer's
     * cached answer for it expires, and its WebSocket connections are ended by then too.
     */
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

    /** Keys made before keys named their plan are on the default plan; before they had a role, tenants'. */
    private static ApiKey fromItem(Map<String, AttributeValue> item) {
        AttributeValue revoked = item.get("revokedAt");
        AttributeValue plan = item.get("usagePlan");
        AttributeValue role = item.get("role");
        return new ApiKey(item.get("keyId").s(), item.get("tenantId").s(), item.get("userId").s(),
                item.get("name").s(), plan == null ? UsagePlanSpec.DEFAULT : plan.s(),
                KeyRole.fromWire(role == null ? null : role.s()),
                Long.parseLong(item.get("createdAt").n()), revoked == null ? null : Long.parseLong(revoked.n()),
                item.get("keyHash").s());
    }
}
