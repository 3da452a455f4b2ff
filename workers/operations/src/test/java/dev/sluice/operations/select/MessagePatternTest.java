package dev.sluice.operations.select;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MessagePatternTest {

    private static final String EMAIL = """
            {"source":"sluice.jobs","detail-type":"Job Submitted","detail":{"type":"email.send","tenantId":"acme"}}""";
    private static final String AI = """
            {"source":"sluice.jobs","detail-type":"Job Submitted","detail":{"type":"ai.request","tenantId":"acme"}}""";

    @Test
    void matchesAsEventBridgeDoes() {
        MessagePattern emails = MessagePattern.of("{\"detail\":{\"type\":[\"email.send\"]}}");
        assertThat(emails.matches(EMAIL)).isTrue();
        assertThat(emails.matches(AI)).isFalse();
        MessagePattern notEmails = MessagePattern.of("{\"detail\":{\"type\":[{\"anything-but\":\"email.send\"}]}}");
        assertThat(notEmails.matches(AI)).isTrue();
        assertThat(notEmails.matches(EMAIL)).isFalse();
        assertThat(MessagePattern.of("{\"detail\":{\"tenantId\":[{\"prefix\":\"ac\"}]}}").matches(AI)).isTrue();
    }

    @Test
    void noPatternChoosesEverythingEvenABodyThatIsNotJson() {
        assertThat(MessagePattern.all().matches("not json")).isTrue();
        assertThat(MessagePattern.of("{\"detail\":{\"type\":[\"email.send\"]}}").matches("not json")).isFalse();
    }

    @Test
    void aPatternEventBridgeWouldRefuseIsRefusedWithItsReason() {
        assertThatThrownBy(() -> MessagePattern.of("{\"detail\":{\"type\":\"email.send\"}}"))
                .isInstanceOf(MessagePattern.InvalidPatternException.class)
                .hasMessageStartingWith("not a valid EventBridge event pattern: ");
        assertThatThrownBy(() -> MessagePattern.of("{not json")).isInstanceOf(
                MessagePattern.InvalidPatternException.class);
    }

    @Test
    void theReasonIsOneLineEvenWhenEventRulerQuotesTheSource() {
        assertThatThrownBy(() -> MessagePattern.of("{\"detail\": 5}"))
                .isInstanceOf(MessagePattern.InvalidPatternException.class)
                .satisfies(e -> assertThat(e.getMessage().lines()).hasSize(1));
    }
}
