package dev.sluice.workers.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.aws.AwsClients;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingTest {

    @Test
    void aMapSettingKeepsItsPairsInOrderAndUrlsWhole() {
        var aws = new AwsClients(Map.of("LANE_QUEUE_URLS",
                "ai-requests=https://sqs.eu-west-1.amazonaws.com/1/a?x=1, email=http://127.0.0.1:9324/000/email"));
        assertThat(Setting.LANE_QUEUE_URLS.mapFrom(aws)).containsExactly(
                Map.entry("ai-requests", "https://sqs.eu-west-1.amazonaws.com/1/a?x=1"),
                Map.entry("email", "http://127.0.0.1:9324/000/email"));
    }

    @Test
    void aMapSettingWithoutPairsNamesItselfAndItsValue() {
        var aws = new AwsClients(Map.of("LANE_QUEUE_URLS", "https://sqs/1/a"));
        assertThatThrownBy(() -> Setting.LANE_QUEUE_URLS.mapFrom(aws)).hasMessage(
                "LANE_QUEUE_URLS must be name=value pairs separated by commas, not \"https://sqs/1/a\"");
    }
}
