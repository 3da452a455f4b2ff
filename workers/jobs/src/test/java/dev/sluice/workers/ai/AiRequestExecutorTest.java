package dev.sluice.workers.ai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.ai.ChatModel;
import dev.sluice.core.ai.ChatReply;
import dev.sluice.core.ai.ChatRequest;
import dev.sluice.core.ai.DeltaSink;
import dev.sluice.core.ai.TokenUsage;
import dev.sluice.core.jobs.Job;
import dev.sluice.core.jobs.JobStatus;
import dev.sluice.core.jobs.JobType;
import dev.sluice.core.json.Json;
import dev.sluice.workers.push.PushTarget;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AiRequestExecutorTest {

    private static final String ANSWER = "A streamed answer, ".repeat(40);

    private final List<ObjectNode> pushed = new ArrayList<>();
    private final PushTarget target = (tenantId, userId, message) -> pushed.add(message);
    private final PiecewiseModel model = new PiecewiseModel();

    private static Job job() {
        return new Job("job-7", "acme", "ada", JobType.AI_REQUEST, "normal", JobStatus.RUNNING, 1, 0L, 0L, null,
                Json.object(), null, null, null, null, 0, null, null);
    }

    @Test
    void aJobAskingToStreamHasItsWholeAnswerPushedAsDeltasBeforeItsResultIsReturned() throws Exception {
        JsonNode result = new AiRequestWorker.Executor(model, target)
                .execute(job(), Json.parse("{\"input\":\"hi\",\"stream\":true}"), null).result();

        assertThat(model.streamed).isTrue();
        assertThat(pushed).hasSizeGreaterThan(1).allSatisfy(m -> assertThat(m.get("type").asText()).isEqualTo("job.delta"));
        assertThat(String.join("", pushed.stream().map(m -> m.get("text").asText()).toList()))
                .isEqualTo(result.get("text").asText()).isEqualTo(ANSWER);
    }

    @Test
    void aJobThatDoesNotAskIsAnsweredWholeAndPushesNothing() throws Exception {
        JsonNode result = new AiRequestWorker.Executor(model, target)
                .execute(job(), Json.parse("{\"input\":\"hi\"}"), null).result();

        assertThat(model.streamed).isFalse();
        assertThat(pushed).isEmpty();
        assertThat(result.get("text").asText()).isEqualTo(ANSWER);
    }

    /** Streams its answer word by word. */
    private static final class PiecewiseModel implements ChatModel {
        boolean streamed;

        @Override
        public ChatReply reply(ChatRequest request) {
            return new ChatReply(ANSWER, "test", "piecewise", true, new TokenUsage(1, 120, 0, 0), "end_turn", null, 0);
        }

        @Override
        public ChatReply stream(ChatRequest request, DeltaSink deltas) {
            streamed = true;
            for (String word : ANSWER.split("(?<= )")) {
                deltas.accept(word);
            }
            return reply(request);
        }
    }
}
