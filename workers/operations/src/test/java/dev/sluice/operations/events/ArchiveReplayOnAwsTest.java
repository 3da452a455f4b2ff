package dev.sluice.operations.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.topology.Definitions;
import dev.sluice.core.topology.RuleSpec;
import dev.sluice.operations.deployment.UnknownResourceException;
import dev.sluice.operations.select.MessagePattern;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.eventbridge.model.StartReplayRequest;

/** The StartReplay request {@code sluice events replay --stack} makes (no cloud here: the request is the contract). */
class ArchiveReplayOnAwsTest {

    private static final List<RuleSpec> RULES = Definitions.bundled().topology().rules();
    private static final Instant FROM = Instant.parse("2026-12-02T10:00:00Z");
    private static final Instant TO = Instant.parse("2026-12-02T11:00:00Z");
    private static final ArchiveReplayOnAws.Arns ARNS = new ArchiveReplayOnAws.Arns(
            "arn:aws:events:eu-west-1:123456789012:archive/ArchiveSluiceJobs1234",
            "arn:aws:events:eu-west-1:123456789012:event-bus/SluiceBusSluiceJobs",
            Map.of("jobs-email", "arn:aws:events:eu-west-1:123456789012:rule/SluiceBusSluiceJobs/RuleJobsEmail-ABC"));

    @Test
    void aReplayToOneRuleFiltersTheBusDestinationByThatRulesArn() {
        StartReplayRequest request = ArchiveReplayOnAws.request(
                new ReplayWindow("sluice-jobs", FROM, TO, "jobs-email", MessagePattern.all()), "sluice-x", ARNS, RULES);

        assertThat(request.replayName()).isEqualTo("sluice-x");
        assertThat(request.eventSourceArn()).isEqualTo(ARNS.archiveArn());
        assertThat(request.eventStartTime()).isEqualTo(FROM);
        assertThat(request.eventEndTime()).isEqualTo(TO);
        assertThat(request.destination().arn()).isEqualTo(ARNS.busArn());
        assertThat(request.destination().filterArns()).containsExactly(ARNS.ruleArns().get("jobs-email"));
    }

    @Test
    void aReplayToEveryRuleHasNoFilter() {
        StartReplayRequest request = ArchiveReplayOnAws.request(
                new ReplayWindow("sluice-jobs", FROM, TO, null, MessagePattern.all()), "sluice-x", ARNS, RULES);

        assertThat(request.destination().hasFilterArns()).isFalse();
    }

    @Test
    void aMatchPatternOrAnUnknownRuleIsRefusedBeforeAnyRequest() {
        assertThatThrownBy(() -> ArchiveReplayOnAws.request(new ReplayWindow("sluice-jobs", FROM, TO, null,
                MessagePattern.of("{\"detail\":{\"type\":[\"email.send\"]}}")), "sluice-x", ARNS, RULES))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("--match cannot be honoured on AWS");
        assertThatThrownBy(() -> ArchiveReplayOnAws.request(new ReplayWindow("sluice-jobs", FROM, TO, "nonesuch",
                MessagePattern.all()), "sluice-x", ARNS, RULES)).isInstanceOf(UnknownResourceException.class);
    }

    @Test
    void aReplayNameIsOneStartReplayAccepts() {
        assertThat(ArchiveReplay.replayName(FROM)).matches("[.\\-_A-Za-z0-9]{1,64}");
    }
}
