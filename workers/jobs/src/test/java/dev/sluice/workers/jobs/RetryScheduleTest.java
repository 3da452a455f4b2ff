package dev.sluice.workers.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {

    private final RetrySchedule schedule = new RetrySchedule(5, 60, 3, "ai-requests-dlq");

    @RepeatedTest(20)
    void eachRetryWaitsBetweenHalfAndAllOfItsDoublingDelayCappedAtTheMaximum() {
        assertThat(schedule.delaySeconds(1)).isBetween(3, 5);
        assertThat(schedule.delaySeconds(2)).isBetween(5, 10);
        assertThat(schedule.delaySeconds(3)).isBetween(10, 20);
        assertThat(schedule.delaySeconds(5)).isBetween(30, 60);
        assertThat(schedule.delaySeconds(40)).isBetween(30, 60);
    }

    @Test
    void theReceiveNumberedMaxReceiveCountIsTheLast() {
        assertThat(schedule.lastAttempt(2)).isFalse();
        assertThat(schedule.lastAttempt(3)).isTrue();
        assertThat(schedule.lastAttempt(4)).isTrue();
    }
}
