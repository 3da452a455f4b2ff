package dev.sluice.operations.dlq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.topology.Definitions;
import dev.sluice.operations.deployment.UnknownResourceException;
import org.junit.jupiter.api.Test;

class DeadLetterQueuesTest {

    private final DeadLetterQueues dlqs = DeadLetterQueues.of(Definitions.bundled().topology());

    @Test
    void everyKindOfDeadLetterQueueOfTheTopologyIsFound() {
        assertThat(dlqs.all()).extracting(DeadLetterQueue::name).containsExactlyInAnyOrder(
                "ai-requests-high-dlq", "ai-requests-dlq", "ai-requests-batch-dlq", "analytics-dlq", "email-dlq",
                "documents-dlq", "event-delivery-dlq", "notifier-dlq");
        assertThat(dlqs.get("email-dlq")).isEqualTo(new DeadLetterQueue("email-dlq", DeadLetterQueue.Kind.QUEUE,
                java.util.List.of("email")));
        assertThat(dlqs.get("event-delivery-dlq").kind()).isEqualTo(DeadLetterQueue.Kind.EVENT_TARGET);
        assertThat(dlqs.get("event-delivery-dlq").sources()).contains("jobs-email", "documents-s3");
        assertThat(dlqs.get("notifier-dlq").kind()).isEqualTo(DeadLetterQueue.Kind.ON_FAILURE);
        assertThat(dlqs.get("notifier-dlq").sources()).containsExactly("notifier");
    }

    @Test
    void anUnknownNameIsRefusedNamingTheOnesThereAre() {
        assertThatThrownBy(() -> dlqs.get("emial-dlq")).isInstanceOf(UnknownResourceException.class)
                .hasMessageContaining("\"emial-dlq\"").hasMessageContaining("email-dlq");
    }
}
