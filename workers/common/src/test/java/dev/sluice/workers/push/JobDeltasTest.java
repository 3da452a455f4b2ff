package dev.sluice.workers.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.jobs.Job;
import dev.sluice.core.jobs.JobStatus;
import dev.sluice.core.jobs.JobType;
import dev.sluice.core.json.Json;
import dev.sluice.workers.support.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobDeltasTest {

    private final TestClock clock = new TestClock(Instant.parse("2026-12-02T06:00:00Z"));
    private final FakeTarget target = new FakeTarget();

    private static Job job(int attempts) {
        return new Job("job-1", "acme", "ada", JobType.AI_REQUEST, "normal", JobStatus.RUNNING, attempts, 0L, 0L,
                null, Json.object(), null, null, null, null, 0, null, "corr-1");
    }

    private JobDeltas deltas(int attempts, int flushChars, Duration flushAfter) {
        return new JobDeltas(target, job(attempts), clock, flushChars, flushAfter);
    }

    @Test
    void deltasGoInSeqOrderWithContiguousOffsetsAndAddUpToTheAnswer() {
        JobDeltas deltas = deltas(1, 20, Duration.ofSeconds(10));
        StringBuilder answer = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            String token = (i % 7 == 0 ? " wörd" : " t") + i + (i % 11 == 0 ? "\uD83D\uDE00" : "");
            answer.append(token);
            deltas.accept(token);
        }
        deltas.finish();

        List<JsonNode> sent = target.messages;
        assertThat(sent).hasSizeGreaterThan(5);
        StringBuilder rebuilt = new StringBuilder();
        for (int i = 0; i < sent.size(); i++) {
            JsonNode m = sent.get(i);
            assertThat(m.get("type").asText()).isEqualTo("job.delta");
            assertThat(m.get("jobId").asText()).isEqualTo("job-1");
            assertThat(m.get("correlationId").asText()).isEqualTo("corr-1");
            assertThat(m.get("ts").asText()).isEqualTo("2026-12-02T06:00:00Z");
            assertThat(m.has("reset")).isFalse();
            assertThat(m.get("seq").asLong()).isEqualTo(i + 1);
            assertThat(m.get("offset").asInt()).isEqualTo(rebuilt.length());
            rebuilt.append(m.get("text").asText());
        }
        assertThat(rebuilt.toString()).isEqualTo(answer.toString());
        assertThat(target.users).containsOnly("acme/ada");
    }

    @Test
    void textIsHeldUntilEnoughCharsGatherThenGoesAsOneMessage() {
        JobDeltas deltas = deltas(1, 200, Duration.ofSeconds(10));
        for (int i = 0; i < 39; i++) {
            deltas.accept("abcd ");
        }
        assertThat(target.messages).as("195 chars held").isEmpty();
        deltas.accept("efgh ");
        assertThat(target.messages).hasSize(1);
        assertThat(target.messages.get(0).get("text").asText()).hasSize(200);

        for (int i = 0; i < 100; i++) {
            deltas.accept("xyz");
        }
        deltas.finish();
        assertThat(target.messages).extracting(m -> m.get("text").asText().length())
                .containsExactly(200, 201, 99);
    }

    @Test
    void textIsHeldNoLongerThanTheTimeBoundOnceMoreTextArrives() {
        JobDeltas deltas = deltas(1, 200, Duration.ofMillis(250));
        List<Long> heldFor = new ArrayList<>();
        long firstHeld = -1;
        for (int i = 0; i < 20; i++) {
            if (firstHeld < 0) {
                firstHeld = clock.millis();
            }
            int before = target.messages.size();
            deltas.accept("tok" + i + " ");
            if (target.messages.size() > before) {
                heldFor.add(clock.millis() - firstHeld);
                firstHeld = -1;
            }
            clock.advance(Duration.ofMillis(100));
        }
        // Pieces 100 ms apart: the message goes with the first piece that finds the oldest held one 250 ms old.
        assertThat(heldFor).hasSize(5).allSatisfy(ms -> assertThat(ms).isEqualTo(300L));
        assertThat(target.messages).allSatisfy(m -> assertThat(m.get("text").asText().split(" ")).hasSize(4));
    }

    @Test
    void aLongPieceIsSplitIntoMessagesThatNeverCutASurrogatePair() {
        JobDeltas deltas = deltas(1, 200, Duration.ofSeconds(10));
        String longText = "a".repeat(JobDeltas.MAX_MESSAGE_CHARS - 1) + "\uD83D\uDE00" + "b".repeat(5000);
        deltas.accept(longText);
        deltas.finish();

        assertThat(target.messages).extracting(m -> m.get("text").asText().length())
                .containsExactly(JobDeltas.MAX_MESSAGE_CHARS - 1, JobDeltas.MAX_MESSAGE_CHARS,
                        longText.length() - 2 * JobDeltas.MAX_MESSAGE_CHARS + 1);
        assertThat(target.messages).extracting(m -> m.get("offset").asInt())
                .containsExactly(0, JobDeltas.MAX_MESSAGE_CHARS - 1, 2 * JobDeltas.MAX_MESSAGE_CHARS - 1);
        assertThat(String.join("", target.messages.stream().map(m -> m.get("text").asText()).toList()))
                .isEqualTo(longText);
    }

    @Test
    void aResetAfterTextWentOutSaysSoAndTheNextTextStartsAtZero() {
        JobDeltas deltas = deltas(1, 5, Duration.ofSeconds(10));
        deltas.accept("Hello ");
        deltas.accept("wor");
        deltas.reset("sonnet throttled: falling back to haiku");
        deltas.accept("Bonjour ");
        deltas.accept("monde");
        deltas.finish();

        List<JsonNode> sent = target.messages;
        assertThat(sent).hasSize(4);
        assertThat(sent.get(0).get("offset").asInt()).isZero();
        assertThat(sent.get(0).get("text").asText()).isEqualTo("Hello ");
        assertThat(sent.get(1).get("reset").asBoolean()).isTrue();
        assertThat(sent.get(1).get("offset").asInt()).isZero();
        assertThat(sent.get(1).get("reason").asText()).isEqualTo("sonnet throttled: falling back to haiku");
        assertThat(sent.get(1).has("text")).isFalse();
        assertThat(sent.get(2).get("offset").asInt()).isZero();
        assertThat(sent.get(2).get("text").asText()).isEqualTo("Bonjour ");
        assertThat(sent.get(3).get("offset").asInt()).isEqualTo(8);
        assertThat(sent.get(3).get("text").asText()).isEqualTo("monde");
        assertThat(clientView(sent)).isEqualTo("Bonjour monde");
    }

    @Test
    void aResetBeforeAnyTextWentOutDropsWhatWasHeldAndSendsNothingForIt() {
        JobDeltas deltas = deltas(1, 200, Duration.ofSeconds(10));
        deltas.accept("the void answer");
        deltas.reset("stream broken");
        deltas.accept("the answer");
        deltas.finish();

        assertThat(target.messages).hasSize(1);
        assertThat(target.messages.get(0).get("text").asText()).isEqualTo("the answer");
        assertThat(target.messages.get(0).get("offset").asInt()).isZero();
    }

    @Test
    void aJobRunningAgainStartsWithAResetSinceItsEarlierAttemptMayHaveStreamed() {
        JobDeltas deltas = deltas(2, 200, Duration.ofSeconds(10));
        deltas.accept("again");
        deltas.finish();

        assertThat(target.messages).hasSize(2);
        assertThat(target.messages.get(0).get("reset").asBoolean()).isTrue();
        assertThat(target.messages.get(0).get("reason").asText()).contains("attempt 2");
        assertThat(target.messages.get(1).get("offset").asInt()).isZero();
        assertThat(clientView(target.messages)).isEqualTo("again");

        target.messages.clear();
        JobDeltas empty = deltas(3, 200, Duration.ofSeconds(10));
        empty.finish();
        assertThat(target.messages).singleElement().satisfies(m -> assertThat(m.get("reset").asBoolean()).isTrue());
    }

    @Test
    void aFailedPushIsSwallowedAndItsTextGoesWithTheNextFromTheSameOffset() {
        JobDeltas deltas = deltas(1, 5, Duration.ofSeconds(10));
        deltas.accept("one, ");
        target.failNext = 1;
        assertThatCode(() -> deltas.accept("two, ")).doesNotThrowAnyException();
        deltas.accept("three, ");
        assertThat(target.messages).as("paused after the failure").hasSize(1);

        clock.advance(JobDeltas.PAUSE_AFTER_FAILURE);
        deltas.accept("four.");
        deltas.finish();

        assertThat(target.messages).extracting(m -> m.get("offset").asInt()).containsExactly(0, 5);
        assertThat(target.messages.get(1).get("text").asText()).isEqualTo("two, three, four.");
        assertThat(clientView(target.messages)).isEqualTo("one, two, three, four.");
    }

    @Test
    void aPushThatFailedButWasNumberedAfterAllIsAbsorbedByTheClientsSkipRule() {
        JobDeltas deltas = deltas(1, 5, Duration.ofSeconds(10));
        target.failNextAfterNumbering = true;
        deltas.accept("Hello ");
        clock.advance(JobDeltas.PAUSE_AFTER_FAILURE);
        deltas.accept("world");
        deltas.finish();

        assertThat(target.messages).extracting(m -> m.get("offset").asInt()).containsExactly(0, 0);
        assertThat(clientView(target.messages)).isEqualTo("Hello world");
    }

    @Test
    void aResetAfterAFailedFirstPushStillSaysSoSinceThatPushMayHaveBeenNumbered() {
        JobDeltas deltas = deltas(1, 5, Duration.ofSeconds(10));
        target.failNextAfterNumbering = true;
        deltas.accept("Hello ");
        clock.advance(JobDeltas.PAUSE_AFTER_FAILURE);
        deltas.reset("stream broken");
        deltas.accept("Bye.");
        deltas.finish();

        assertThat(target.messages).hasSize(3);
        assertThat(target.messages.get(1).get("reset").asBoolean()).isTrue();
        assertThat(clientView(target.messages)).isEqualTo("Bye.");
    }

    @Test
    void afterRepeatedFailuresTheJobStreamsNoMoreAndNothingThrows() {
        JobDeltas deltas = deltas(1, 1, Duration.ofSeconds(10));
        target.failNext = Integer.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            int n = i;
            assertThatCode(() -> deltas.accept("x" + n)).doesNotThrowAnyException();
            clock.advance(JobDeltas.PAUSE_AFTER_FAILURE);
        }
        assertThat(target.attempts).isEqualTo(JobDeltas.GIVE_UP_AFTER);
        assertThatCode(() -> deltas.reset("fallback")).doesNotThrowAnyException();
        assertThatCode(deltas::finish).doesNotThrowAnyException();
        assertThat(target.attempts).isEqualTo(JobDeltas.GIVE_UP_AFTER);
        assertThat(target.messages).isEmpty();
    }

    @Test
    void theLastFlushFailingIsSwallowedToo() {
        JobDeltas deltas = deltas(1, 200, Duration.ofSeconds(10));
        deltas.accept("tail");
        target.failNext = 1;
        assertThatCode(deltas::finish).doesNotThrowAnyException();
        assertThat(target.messages).isEmpty();
    }

    @Test
    void onlyAPayloadWithStreamTrueAsksForDeltas() {
        assertThat(JobDeltas.requested(Json.parse("{\"input\":\"x\",\"stream\":true}"))).isTrue();
        assertThat(JobDeltas.requested(Json.parse("{\"input\":\"x\",\"stream\":false}"))).isFalse();
        assertThat(JobDeltas.requested(Json.parse("{\"input\":\"x\"}"))).isFalse();
        assertThat(JobDeltas.requested(null)).isFalse();
    }

    /** What a client shows: deltas applied in seq order, a reset clears, what it already has is skipped. */
    static String clientView(List<JsonNode> messages) {
        StringBuilder shown = new StringBuilder();
        for (JsonNode m : messages) {
            if (m.path("reset").asBoolean()) {
                shown.setLength(0);
                continue;
            }
            int offset = m.get("offset").asInt();
            String text = m.get("text").asText();
            assertThat(offset).as("a gap before seq " + m.get("seq")).isLessThanOrEqualTo(shown.length());
            if (offset + text.length() > shown.length()) {
                shown.append(text, shown.length() - offset, text.length());
            }
        }
        return shown.toString();
    }

    /** Numbers what it is given, as the push log does; can fail before numbering or after it. */
    private static final class FakeTarget implements PushTarget {
        final List<JsonNode> messages = new ArrayList<>();
        final List<String> users = new ArrayList<>();
        int failNext;
        boolean failNextAfterNumbering;
        int attempts;

        @Override
        public void push(String tenantId, String userId, ObjectNode message) {
            attempts++;
            if (failNext > 0) {
                failNext--;
                throw new IllegalStateException("DynamoDB said no");
            }
            ObjectNode numbered = message.deepCopy();
            numbered.put("seq", messages.size() + 1L);
            messages.add(numbered);
            users.add(tenantId + "/" + userId);
            if (failNextAfterNumbering) {
                failNextAfterNumbering = false;
                throw new IllegalStateException("timed out after the write");
            }
        }
    }
}
