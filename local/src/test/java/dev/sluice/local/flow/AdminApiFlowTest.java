package dev.sluice.local.flow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.client.ApiResponse;
import dev.sluice.core.client.SluiceClient;
import dev.sluice.core.json.Json;
import dev.sluice.core.keys.IssuedKey;
import dev.sluice.core.keys.KeyRole;
import dev.sluice.core.topology.Definitions;
import dev.sluice.core.topology.UsagePlanSpec;
import dev.sluice.local.support.Clients;
import dev.sluice.operations.audit.AuditLog;
import dev.sluice.operations.audit.AuditRecord;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The admin API over real HTTP on the real topology: an admin key lists the DLQs, dry-runs a replay
 * (nothing moves, nothing is audited) and replays (the message leaves the DLQ, the audit names the key
 * and admin-api); a tenant key is refused before anything is read.
 */
class AdminApiFlowTest {

    private static final String DLQ = "analytics-dlq";

    @TempDir
    static Path state;
    static FlowFixture flow;
    static SqsClient sqs;
    static String dlqUrl;
    static IssuedKey adminKey;

    @BeforeAll
    static void start() throws Exception {
        flow = FlowFixture.start(state);
        sqs = Clients.sqs(flow.runtime.endpoints());
        dlqUrl = sqs.getQueueUrl(b -> b.queueName(DLQ)).queueUrl();
        adminKey = flow.keys.create("ops", "oscar", "on call", UsagePlanSpec.DEFAULT, KeyRole.ADMIN,
                System.currentTimeMillis());
    }

    @AfterAll
    static void stop() {
        sqs.close();
        flow.close();
    }

    @Test
    void anAdminKeyListsDryRunsThenReplaysAndOnlyTheReplayIsAudited() throws Exception {
        Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String event = Json.write(Definitions.bundled().sampleEvents().get("job-submitted-analytics.json"));
        sqs.sendMessage(b -> b.queueUrl(dlqUrl).messageBody(event));
        AuditLog audit = new AuditLog(flow.dynamoDb, AuditLog.TABLE, Clock.systemUTC());

        try (SluiceClient admin = new SluiceClient(flow.runtime.endpoints().api(), adminKey.secret())) {
            ApiResponse listed = admin.get("/v1/admin/dlqs");
            assertThat(listed.status()).as(listed.body().toString()).isEqualTo(200);
            JsonNode dlq = find(listed.body().get("dlqs"), DLQ);
            assertThat(dlq.get("kind").asText()).isEqualTo("queue");
            assertThat(dlq.get("depth").asLong() + dlq.get("inFlight").asLong()).isEqualTo(1);

            ApiResponse dryRun = admin.post("/v1/admin/dlqs/" + DLQ + "/replay", "{}");
            assertThat(dryRun.status()).as(dryRun.body().toString()).isEqualTo(200);
            assertThat(dryRun.body().get("dryRun").asBoolean()).isTrue();
            assertThat(dryRun.body().get("moved").asInt()).isEqualTo(1);
            assertThat(dryRun.body().get("auditId").isNull()).isTrue();
            assertThat(flow.dynamoDb.scan(b -> b.tableName(AuditLog.TABLE)).count()).isZero();
            assertThat(messagesIn(dlqUrl)).isEqualTo(1);

            ApiResponse replayed = admin.post("/v1/admin/dlqs/" + DLQ + "/replay", "{\"dryRun\": false}");
            assertThat(replayed.status()).as(replayed.body().toString()).isEqualTo(200);
            assertThat(replayed.body().get("moved").asInt()).isEqualTo(1);
            assertThat(replayed.body().get("failed").asInt()).isZero();

            List<AuditRecord> records = audit.since(before);
            assertThat(records).singleElement().satisfies(r -> {
                assertThat(r.id()).isEqualTo(replayed.body().get("auditId").asText());
                assertThat(r.operation()).isEqualTo("dlq.replay");
                assertThat(r.principal()).isEqualTo("apikey:" + adminKey.key().keyId() + " (tenant ops, user oscar)");
                assertThat(r.via()).isEqualTo("admin-api");
                assertThat(r.target()).isEqualTo(DLQ);
                assertThat(r.dryRun()).isFalse();
                assertThat(r.outcome()).isEqualTo(AuditRecord.Outcome.SUCCEEDED);
                assertThat(r.counts()).containsEntry("moved", 1L);
            });
        }
    }

    @Test
    void aTenantKeyIsRefusedEveryAdminRoute() throws Exception {
        try (SluiceClient tenant = flow.devClient()) {
            for (ApiResponse refused : List.of(tenant.get("/v1/admin/dlqs"),
                    tenant.get("/v1/admin/dlqs/" + DLQ + "/messages"),
                    tenant.post("/v1/admin/dlqs/" + DLQ + "/replay", "{\"dryRun\": false}"))) {
                assertThat(refused.status()).isEqualTo(403);
                assertThat(refused.body().at("/error/code").asText()).isEqualTo("forbidden");
                assertThat(refused.body().at("/error/message").asText()).isEqualTo("an admin key is required");
            }
        }
    }

    private long messagesIn(String url) {
        Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
        return Long.parseLong(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Long.parseLong(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    private static JsonNode find(JsonNode dlqs, String name) {
        for (JsonNode dlq : dlqs) {
            if (dlq.get("name").asText().equals(name)) {
                return dlq;
            }
        }
        throw new AssertionError("no " + name + " in " + dlqs);
    }
}
