package dev.sluice.workers.ai.history;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import dev.sluice.core.topology.Definitions;
import dev.sluice.core.topology.TableSpec;
import dev.sluice.workers.ai.history.ConversationHistory.Exchange;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;

/** The session table as topology.json declares it, on DynamoDB Local. */
class DynamoDbConversationHistoryTest {

    private static AmazonDynamoDBLocal local;
    private static DynamoDbClient dynamoDb;
    private static DynamoDbConversationHistory history;

    @BeforeAll
    static void start() {
        local = DynamoDBEmbedded.create(true);
        dynamoDb = local.dynamoDbClient();
        TableSpec spec = Definitions.bundled().topology().table("sluice-ai-sessions").orElseThrow();
        assertThat(spec.timeToLiveAttribute()).isEqualTo("expiresAt");
        dynamoDb.createTable(b -> b.tableName(spec.name()).billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(KeySchemaElement.builder().attributeName(spec.partitionKey().name()).keyType(KeyType.HASH)
                        .build(), KeySchemaElement.builder().attributeName(spec.sortKey().name())
                        .keyType(KeyType.RANGE).build())
                .attributeDefinitions(AttributeDefinition.builder().attributeName(spec.partitionKey().name())
                        .attributeType("S").build(), AttributeDefinition.builder()
                        .attributeName(spec.sortKey().name()).attributeType("S").build()));
        history = new DynamoDbConversationHistory(dynamoDb, spec.name(),
                Clock.fixed(Instant.parse("2026-12-02T10:00:00Z"), ZoneOffset.UTC));
    }

    @AfterAll
    static void stop() {
        local.shutdown();
    }

    @Test
    void exchangesComeBackNewestFirstAndExpireInThirtyDays() {
        history.append("acme", "s-order", new Exchange("0194a3c0-0001", "q1", "a1"));
        history.append("acme", "s-order", new Exchange("0194a3c0-0002", "q2", "a2"));
        history.append("acme", "s-order", new Exchange("0194a3c0-0003", "q3", "a3"));

        assertThat(history.recent("acme", "s-order", 2)).containsExactly(new Exchange("0194a3c0-0003", "q3", "a3"),
                new Exchange("0194a3c0-0002", "q2", "a2"));
        var item = dynamoDb.getItem(b -> b.tableName("sluice-ai-sessions").key(Map.of(
                "sessionKey", dev.sluice.core.dynamodb.Attributes.s("acme#s-order"),
                "jobId", dev.sluice.core.dynamodb.Attributes.s("0194a3c0-0001")))).item();
        assertThat(Long.parseLong(item.get("expiresAt").n()))
                .isEqualTo(Instant.parse("2026-12-02T10:00:00Z").plusSeconds(30L * 86400).getEpochSecond());
    }

    @Test
    void aSessionIdOfAnotherTenantReadsNothingOfThisOne() {
        history.append("acme", "shared-id", new Exchange("0194a3c0-0001", "acme's question", "acme's answer"));

        assertThat(history.recent("globex", "shared-id", 10)).isEmpty();
        assertThat(history.recent("acme", "shared-id", 10)).hasSize(1);
    }

    @Test
    void theSameJobRecordedTwiceIsOneExchange() {
        history.append("acme", "s-twice", new Exchange("0194a3c0-0001", "q", "a"));
        history.append("acme", "s-twice", new Exchange("0194a3c0-0001", "q", "a"));

        assertThat(history.recent("acme", "s-twice", 10)).hasSize(1);
    }
}
