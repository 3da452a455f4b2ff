package dev.sluice.core.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DefinitionsTest {

    private final Topology topology = Definitions.bundled().topology();

    @Test
    void theQueuesCarryTheSettingsTheyWereAskedFor() {
        assertThat(topology.queue("ai-requests").orElseThrow())
                .isEqualTo(new QueueSpec("ai-requests", 300, 14 * 86400, new QueueSpec.DeadLetter(3, 14 * 86400)));
        assertThat(topology.queue("analytics").orElseThrow())
                .isEqualTo(new QueueSpec("analytics", 60, 7 * 86400, new QueueSpec.DeadLetter(5, 14 * 86400)));
        assertThat(topology.queue("email").orElseThrow())
                .isEqualTo(new QueueSpec("email", 30, 3 * 86400, new QueueSpec.DeadLetter(3, 14 * 86400)));
        assertThat(topology.queue("ai-requests-high").orElseThrow().deadLetter().maxReceiveCount()).isEqualTo(3);
        assertThat(topology.allQueueNames()).contains("ai-requests-dlq", "ai-requests-high-dlq", "analytics-dlq",
                "email-dlq", "event-delivery-dlq");
    }

    @Test
    void everyDeadLetterQueueKeepsMessagesAtLeastAsLongAsItsSource() {
        for (QueueSpec q : topology.queues()) {
            if (q.hasDeadLetterQueue()) {
                assertThat(q.deadLetter().retentionSeconds()).as(q.name())
                        .isGreaterThanOrEqualTo(q.retentionSeconds())
                        // Strictly longer wherever SQS's 14-day cap leaves room.
                        .isGreaterThan(Math.min(q.retentionSeconds(), QueueSpec.MAX_RETENTION_SECONDS - 1));
            }
        }
    }

    @Test
    void everyTriggeredQueueFollowsAwsSixTimesTheTimeoutGuidance() {
        for (FunctionSpec f : topology.functions()) {
            if (f.sqsTrigger() != null) {
                QueueSpec q = topology.queue(f.sqsTrigger().queue()).orElseThrow();
                assertThat(q.visibilityTimeoutSeconds()).as(f.name())
                        .isGreaterThanOrEqualTo(6 * f.timeoutSeconds() + f.sqsTrigger().maximumBatchingWindowSeconds());
            }
        }
    }

    @Test
    void everyWorkQueueIsDrainedByAFunction() {
        for (QueueSpec q : topology.queues()) {
            if (q.hasDeadLetterQueue()) {
                assertThat(topology.functions()).as(q.name())
                        .anyMatch(f -> f.sqsTrigger() != null && f.sqsTrigger().queue().equals(q.name()));
            }
        }
    }

    @Test
    void theNotifiersFailedInvocationsGoToAQueueOfTheirOwn() {
        assertThat(topology.function("notifier").orElseThrow().onFailure())
                .isEqualTo(new FunctionSpec.OnFailure("notifier-dlq"));
        assertThat(topology.queue("notifier-dlq").orElseThrow().hasDeadLetterQueue()).isFalse();
    }

    @Test
    void anOnFailureDestinationThatIsNoQueueOfTheTopologyIsRefused(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        edit(dir.resolve("topology.json"), "\"queue\": \"notifier-dlq\"", "\"queue\": \"notifier-dead\"");
        assertThatThrownBy(() -> Definitions.load(dir)).hasMessage(dir.resolve("topology.json")
                + ": function \"notifier\": on-failure destination \"notifier-dead\" is not a queue of the topology");
    }

    @Test
    void anUnknownFieldInTheTopologyNamesFileAndField(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        edit(dir.resolve("topology.json"), "\"visibilityTimeoutSeconds\": 30,", "\"visibilityTimeout\": 30,");
        assertThatThrownBy(() -> Definitions.load(dir))
                .isInstanceOf(DefinitionException.class)
                .hasMessageStartingWith(dir.resolve("topology.json") + ": queues[")
                .hasMessageContaining("visibilityTimeout");
    }

    @Test
    void aTriggerOnAnUnknownQueueIsRefused(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        edit(dir.resolve("topology.json"), "\"queue\": \"email\"", "\"queue\": \"emails\"");
        assertThatThrownBy(() -> Definitions.load(dir))
                .hasMessage(dir.resolve("topology.json") + ": function \"email-worker\" is triggered by unknown queue \"emails\"");
    }

    @Test
    void aFunctionOutlivingItsQueueVisibilityIsRefused(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        edit(dir.resolve("topology.json"), "\"timeoutSeconds\": 4,", "\"timeoutSeconds\": 31,");
        assertThatThrownBy(() -> Definitions.load(dir))
                .hasMessageContaining("function \"email-worker\" times out after 31 s");
    }

    @Test
    void aRuleWithAnInvalidPatternNamesItsFile(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        Path rule = dir.resolve("events/rules/jobs-email.json");
        edit(rule, "\"detail\": { \"type\": [\"email.send\"] }", "\"detail\": { \"type\": [{ \"prefix\": 42 }] }");
        assertThatThrownBy(() -> Definitions.load(dir))
                .hasMessageStartingWith(rule + ": eventPattern is not a valid EventBridge pattern");
    }

    @Test
    void aRuleTargetingAnUnknownQueueNamesItsFile(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        Path rule = dir.resolve("events/rules/jobs-email.json");
        edit(rule, "\"sqs\": \"email\"", "\"sqs\": \"e-mail\"");
        assertThatThrownBy(() -> Definitions.load(dir))
                .hasMessage(rule + ": target \"queue\": no sqs named \"e-mail\" in the topology");
    }

    @Test
    void aRuleFileThatIsNotJsonNamesItsFile(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        Path rule = dir.resolve("events/rules/jobs-email.json");
        Files.writeString(rule, "{ \"name\": ");
        assertThatThrownBy(() -> Definitions.load(dir)).hasMessageStartingWith(rule + ": not valid JSON");
    }

    @Test
    void anAslFileWithoutStatesNamesItsFile(@TempDir Path dir) throws IOException {
        Definitions.exportBundled(dir);
        Path asl = dir.resolve("statemachines/broken.asl.json");
        Files.createDirectories(asl.getParent());
        Files.writeString(asl, "{\"StartAt\": \"A\"}");
        assertThatThrownBy(() -> Definitions.load(dir))
                .hasMessage(asl + ": an ASL definition needs \"StartAt\" and \"States\"");
    }

    @Test
    void aDirectoryWithoutTheDefinitionSchemasSaysSo(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("topology.json"), "{}");
        assertThatThrownBy(() -> Definitions.load(dir))
                .isInstanceOf(DefinitionException.class)
                .hasMessage(dir.resolve("schemas/definitions/topology.schema.json")
                        + ": is missing; the definitions cannot be checked without it");
    }

    private static void edit(Path file, String from, String to) throws IOException {
        String text = Files.readString(file);
        assertThat(text).contains(from);
        Files.writeString(file, text.replaceFirst(java.util.regex.Pattern.quote(from),
                java.util.regex.Matcher.quoteReplacement(to)));
    }
}
