package dev.sluice.local.flow;

import dev.sluice.core.ai.ChatModel;
import dev.sluice.core.ai.ChatReply;
import dev.sluice.core.ai.ChatRequest;
import dev.sluice.core.ai.DeltaSink;
import dev.sluice.core.ai.ModelFailure;
import dev.sluice.core.ai.TokenUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A model double that streams a known answer word by word, {@link #PARTS} parts of
 * {@link #WORDS_PER_PART} distinct words (so any word repeated or lost shows). {@link #gated()} waits
 * between two parts until the test lets it go on, so a test can reconnect at a known point of the
 * stream; {@link #breakingMidway()} breaks after the first part, as a stream that fails midway.
 */
final class WordStreamingModel implements ChatModel {

    static final int PARTS = 3;
    static final int WORDS_PER_PART = 100;
    /** Counted down by a gated model when part i has been streamed. */
    static final List<CountDownLatch> STREAMED = latches();
    /** Counted down by the test to let a gated model go on after part i. */
    static final List<CountDownLatch> GO_ON = latches();

    private final boolean gated;
    private final boolean breaks;

    private WordStreamingModel(boolean gated, boolean breaks) {
        this.gated = gated;
        this.breaks = breaks;
    }

    static WordStreamingModel gated() {
        return new WordStreamingModel(true, false);
    }

    static WordStreamingModel breakingMidway() {
        return new WordStreamingModel(false, true);
    }

    static WordStreamingModel whole() {
        return new WordStreamingModel(false, false);
    }

    /** Word {@code w} of part {@code p}, with a trailing space: "p1w07 ". */
    static String word(int part, int w) {
        return "p" + part + "w" + String.format("%02d", w) + " ";
    }

    static String answer() {
        StringBuilder answer = new StringBuilder();
        for (int p = 0; p < PARTS; p++) {
            for (int w = 0; w < WORDS_PER_PART; w++) {
                answer.append(word(p, w));
            }
        }
        return answer.toString();
    }

    @Override
    public ChatReply reply(ChatRequest request) {
        throw new UnsupportedOperationException("this double only streams");
    }

    @Override
    public ChatReply stream(ChatRequest request, DeltaSink deltas) {
        for (int p = 0; p < PARTS; p++) {
            for (int w = 0; w < WORDS_PER_PART; w++) {
                deltas.accept(word(p, w));
            }
            if (breaks) {
                throw new ModelFailure(ModelFailure.Kind.STREAM_BROKEN, "the stream broke after part " + p, null);
            }
            if (gated) {
                STREAMED.get(p).countDown();
                awaitGoOn(p);
            }
        }
        return new ChatReply(answer(), "test", "word-streaming", true, new TokenUsage(3, PARTS * WORDS_PER_PART, 0, 0),
                "end_turn", null, 0);
    }

    private static void awaitGoOn(int part) {
        if (part + 1 == PARTS) {
            return;
        }
        try {
            if (!GO_ON.get(part).await(30, TimeUnit.SECONDS)) {
                throw new ModelFailure(ModelFailure.Kind.TIMEOUT, "the test never let part " + (part + 1) + " go on",
                        null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelFailure(ModelFailure.Kind.STREAM_BROKEN, "interrupted", e);
        }
    }

    private static List<CountDownLatch> latches() {
        List<CountDownLatch> latches = new ArrayList<>();
        for (int i = 0; i < PARTS; i++) {
            latches.add(new CountDownLatch(1));
        }
        return List.copyOf(latches);
    }
}
