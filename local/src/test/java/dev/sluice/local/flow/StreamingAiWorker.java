package dev.sluice.local.flow;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.sluice.core.ai.ChatModel;
import dev.sluice.core.ai.ChatReply;
import dev.sluice.core.ai.ChatRequest;
import dev.sluice.core.ai.DeltaSink;
import dev.sluice.core.ai.ModelFailure;
import dev.sluice.core.ai.TokenUsage;
import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.topology.Definitions;
import dev.sluice.workers.ai.AiRequestWorker;
import dev.sluice.workers.jobs.JobQueueWorker;
import dev.sluice.workers.push.NumberedPushes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The real AI worker with a model that streams its answer word by word in {@link #PARTS} parts and,
 * between two parts, waits until the test lets it go on: so a test can disconnect and reconnect at a
 * known point of the stream. Only the model is a double.
 */
public final class StreamingAiWorker implements RequestHandler<SQSEvent, SQSBatchResponse> {

    static final int PARTS = 3;
    static final int WORDS_PER_PART = 100;
    /** Counted down when part i has been streamed. */
    static final List<CountDownLatch> STREAMED = latches();
    /** Counted down by the test to let part i + 1 begin. */
    static final List<CountDownLatch> GO_ON = latches();

    private final AiRequestWorker worker;

    public StreamingAiWorker() {
        AwsClients aws = AwsClients.fromEnvironment();
        this.worker = new AiRequestWorker(JobQueueWorker.fromEnvironment(
                new AiRequestWorker.Executor(new GatedModel(), NumberedPushes.fromEnvironment(aws)), aws,
                Definitions.bundledSchemas()));
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        return worker.handleRequest(event, context);
    }

    private static List<CountDownLatch> latches() {
        List<CountDownLatch> latches = new ArrayList<>();
        for (int i = 0; i < PARTS; i++) {
            latches.add(new CountDownLatch(1));
        }
        return List.copyOf(latches);
    }

    /** Word {@code w} of part {@code p}, with a trailing space: "p1w07 ". Distinct words show any repeat or loss. */
    static String word(int part, int w) {
        return "p" + part + "w" + String.format("%02d", w) + " ";
    }

    private static final class GatedModel implements ChatModel {

        @Override
        public ChatReply reply(ChatRequest request) {
            throw new UnsupportedOperationException("this double only streams");
        }

        @Override
        public ChatReply stream(ChatRequest request, DeltaSink deltas) {
            StringBuilder answer = new StringBuilder();
            for (int p = 0; p < PARTS; p++) {
                for (int w = 0; w < WORDS_PER_PART; w++) {
                    answer.append(word(p, w));
                    deltas.accept(word(p, w));
                }
                STREAMED.get(p).countDown();
                try {
                    if (p + 1 < PARTS && !GO_ON.get(p).await(30, TimeUnit.SECONDS)) {
                        throw new ModelFailure(ModelFailure.Kind.TIMEOUT, "the test never let part " + (p + 1)
                                + " go on", null);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ModelFailure(ModelFailure.Kind.STREAM_BROKEN, "interrupted", null);
                }
            }
            return new ChatReply(answer.toString(), "test", "gated-stream", true,
                    new TokenUsage(3, PARTS * WORDS_PER_PART, 0, 0), "end_turn", null, 0);
        }
    }
}
