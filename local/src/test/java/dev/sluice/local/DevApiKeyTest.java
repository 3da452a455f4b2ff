package dev.sluice.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.client.SluiceClient;
import dev.sluice.core.keys.ApiKey;
import dev.sluice.core.keys.ApiKeys;
import dev.sluice.core.topology.ApiSpec;
import dev.sluice.core.topology.Definitions;
import dev.sluice.core.topology.Topology;
import dev.sluice.core.topology.UsagePlanSpec;
import dev.sluice.local.support.Clients;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * {@code sluice up} makes the dev tenant's key once, on the default usage plan, and keeps it across
 * restarts while it is valid; the gateway's count of its requests survives a restart too.
 */
class DevApiKeyTest {

    /** The seeds' default plan with a quota a test reaches in three requests. */
    private static final UsagePlanSpec TINY_DEFAULT = new UsagePlanSpec(UsagePlanSpec.DEFAULT, null,
            new UsagePlanSpec.Throttle(100, 50), new UsagePlanSpec.Quota(3, UsagePlanSpec.Period.MONTH));

    @TempDir
    Path state;

    @Test
    void theDevKeyAndItsUsageSurviveARestartAndARevokedKeyIsReplaced() throws Exception {
        String first;
        try (LocalRuntime runtime = start()) {
            first = runtime.endpoints().devApiKey();
            try (DynamoDbClient dynamoDb = Clients.dynamodb(runtime.endpoints())) {
                ApiKey key = new ApiKeys(dynamoDb, "sluice-api-keys").find(first).orElseThrow();
                assertThat(key.tenantId()).isEqualTo("dev");
                assertThat(key.usagePlan()).isEqualTo(UsagePlanSpec.DEFAULT);
            }
            assertThat(statuses(runtime, first, 4)).containsExactly(200, 200, 200, 429);
        }
        try (LocalRuntime runtime = start()) {
            assertThat(runtime.endpoints().devApiKey()).isEqualTo(first);
            // The quota used before the restart is still used: the gateway kept its count.
            assertThat(statuses(runtime, first, 1)).containsExactly(429);
            try (DynamoDbClient dynamoDb = Clients.dynamodb(runtime.endpoints())) {
                ApiKeys keys = new ApiKeys(dynamoDb, "sluice-api-keys");
                keys.list().forEach(k -> keys.revoke(k.keyId(), System.currentTimeMillis()));
            }
        }
        try (LocalRuntime runtime = start()) {
            String second = runtime.endpoints().devApiKey();
            assertThat(second).startsWith("sk_").isNotEqualTo(first);
            assertThat(statuses(runtime, second, 1)).containsExactly(200);
        }
    }

    private static List<Integer> statuses(LocalRuntime runtime, String key, int requests) throws Exception {
        try (SluiceClient client = new SluiceClient(runtime.endpoints().api(), key)) {
            Integer[] statuses = new Integer[requests];
            for (int i = 0; i < requests; i++) {
                statuses[i] = client.get("/v1/jobs").status();
            }
            return List.of(statuses);
        }
    }

    private LocalRuntime start() throws Exception {
        Topology t = Definitions.bundled().topology();
        List<ApiSpec> apis = t.apis().stream().map(a -> a.protocol() != ApiSpec.Protocol.HTTP ? a
                : a.withUsagePlans(a.usagePlans().stream().map(p -> p.name().equals(UsagePlanSpec.DEFAULT)
                        ? TINY_DEFAULT : p).toList())).toList();
        return LocalRuntime.start(t.withApis(apis), state, LocalRuntime.Options.defaults());
    }
}
