package dev.sluice.workers.ai.resilience;

import dev.sluice.core.ai.ChatModel;
import dev.sluice.core.ai.ChatReply;
import dev.sluice.core.ai.ChatRequest;
import dev.sluice.core.ai.DeltaSink;
import dev.sluice.core.ai.ModelFailure;
import dev.sluice.core.ai.TokenUsage;
import dev.sluice.workers.support.TestClock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A chat model answering from a script, one step per call: an answer (streamed in pieces), or pieces then a
 * failure. When the script is used up it repeats its last step. It records the requests it got.
 */
final class ScriptedModel implements ChatModel {

    record Step(List<String> pieces, ModelFailure failure, Duration takes, TokenUsage usage) {
    }

    private final String modelId;
    private final TestClock clock;
    private final Deque<Step> script = new ArrayDeque<>();
    private Step last;
    final List<ChatRequest> requests = new ArrayList<>();
    int streamed;

    ScriptedModel(String modelId, TestClock clock) {
        this.modelId = modelId;
        this.clock = clock;
    }

    ScriptedModel answers(String... pieces) {
        return then(new Step(List.of(pieces), null, Duration.ZERO, new TokenUsage(10, 5, 0, 0)));
    }

    ScriptedModel answersAfter(Duration takes, TokenUsage usage, String text) {
        return then(new Step(List.of(text), null, takes, usage));
    }

    ScriptedModel fails(ModelFailure.Kind kind) {
        return fails(kind, null);
    }

    ScriptedModel fails(ModelFailure.Kind kind, Duration retryAfter) {
        return then(new Step(List.of(), failure(kind, retryAfter), Duration.ZERO, null));
    }

    ScriptedModel failsAfter(Duration takes, ModelFailure.Kind kind) {
        return then(new Step(List.of(), failure(kind, null), takes, null));
    }

    /** Streams these pieces, then the stream breaks. */
    ScriptedModel breaksAfter(String... pieces) {
        return then(new Step(List.of(pieces), failure(ModelFailure.Kind.STREAM_BROKEN, null), Duration.ZERO, null));
    }

    ScriptedModel then(Step step) {
        script.add(step);
        return this;
    }

    int calls() {
        return requests.size();
    }

    @Override
    public ChatReply reply(ChatRequest request) {
        return run(request, DeltaSink.NONE);
    }

    @Override
    public ChatReply stream(ChatRequest request, DeltaSink deltas) {
        streamed++;
        return run(request, deltas);
    }

    private ChatReply run(ChatRequest request, DeltaSink deltas) {
        requests.add(request);
        Step step = script.isEmpty() ? last : script.poll();
        last = step;
        if (step == null) {
            throw new AssertionError(modelId + " was called without a script");
        }
        clock.advance(step.takes());
        step.pieces().forEach(deltas::accept);
        if (step.failure() != null) {
            // A fresh exception per call, as a real adapter throws.
            throw new ModelFailure(step.failure().kind(), step.failure().getMessage(),
                    step.failure().retryAfter().orElse(null), null);
        }
        return new ChatReply(String.join("", step.pieces()), "test", modelId, true, step.usage(), "end_turn", null,
                step.takes().toMillis());
    }

    private ModelFailure failure(ModelFailure.Kind kind, Duration retryAfter) {
        return new ModelFailure(kind, modelId + " " + kind, retryAfter, null);
    }
}
