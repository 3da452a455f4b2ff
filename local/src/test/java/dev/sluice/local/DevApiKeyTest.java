package dev.sluice.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.keys.Access;
import dev.sluice.core.keys.ApiKeys;
import dev.sluice.core.topology.Definitions;
import dev.sluice.local.support.Clients;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** {@code sluice up} makes the dev tenant's key once and keeps it across restarts while it is valid. */
class DevApiKeyTest {

    @TempDir
    Path state;

    @Test
    void theDevKeyIsCreatedOnceKeptAcrossARestartAndReplacedOnceRevoked() throws Exception {
        String first;
        try (LocalRuntime runtime = start()) {
            first = runtime.endpoints().devApiKey();
            try (DynamoDbClient dynamoDb = Clients.dynamodb(runtime.endpoints())) {
                ApiKeys keys = new ApiKeys(dynamoDb, "sluice-api-keys");
                assertThat(keys.authorize(first, System.currentTimeMillis())).isInstanceOf(Access.Granted.class);
                assertThat(((Access.Granted) keys.authorize(first, System.currentTimeMillis())).key().tenantId())
                        .isEqualTo("dev");
            }
        }
        try (LocalRuntime runtime = start()) {
            assertThat(runtime.endpoints().devApiKey()).isEqualTo(first);
            try (DynamoDbClient dynamoDb = Clients.dynamodb(runtime.endpoints())) {
                ApiKeys keys = new ApiKeys(dynamoDb, "sluice-api-keys");
                keys.list().forEach(k -> keys.revoke(k.keyId(), System.currentTimeMillis()));
            }
        }
        try (LocalRuntime runtime = start()) {
            assertThat(runtime.endpoints().devApiKey()).startsWith("sk_").isNotEqualTo(first);
        }
    }

    private LocalRuntime start() throws Exception {
        return LocalRuntime.start(Definitions.bundled().topology(), state, LocalRuntime.Options.defaults());
    }
}
