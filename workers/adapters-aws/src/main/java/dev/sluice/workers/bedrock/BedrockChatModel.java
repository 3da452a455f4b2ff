package dev.sluice.workers.bedrock;

import dev.sluice.core.ai.ChatMessage;
import dev.sluice.core.ai.ChatModel;
import dev.sluice.core.ai.ChatReply;
import dev.sluice.core.ai.ChatRequest;
import dev.sluice.core.ai.DeltaSink;
import dev.sluice.core.ai.Guardrail;
import dev.sluice.core.ai.ModelFailure;
import dev.sluice.core.aws.AwsClients;
import dev.sluice.workers.config.Lazy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamResponseHandler;
import software.amazon.awssdk.services.bedrockruntime.model.GuardrailConfiguration;
import software.amazon.awssdk.services.bedrockruntime.model.GuardrailStreamConfiguration;
import software.amazon.awssdk.services.bedrockruntime.model.GuardrailTrace;
import software.amazon.awssdk.services.bedrockruntime.model.GuardrailTraceAssessment;
import software.amazon.awssdk.services.bedrockruntime.model.InferenceConfiguration;
import software.amazon.awssdk.services.bedrockruntime.model.Message;
import software.amazon.awssdk.services.bedrockruntime.model.SystemContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.TokenUsage;

/**
 * A chat model on Amazon Bedrock through the model-agnostic Converse API: {@link #reply} is one
 * Converse call, {@link #stream} one ConverseStream call whose text deltas go to the sink as they
 * arrive, with the usage and latency the stream's closing {@code metadata} event reports.
 *
 * <p>A model id or an inference-profile id ({@code us.anthropic...}) is sent as the request names it.
 * Every failure is a {@link ModelFailure} of the kind {@link BedrockFailures} reads it as; nothing is
 * retried here (see {@link BedrockChatClients}).
 */
public final class BedrockChatModel implements ChatModel {

    public static final String PROVIDER = "bedrock";
    public static final String GUARDRAIL_INTERVENED = "guardrail_intervened";
    /** How long a whole stream may take before it is given up as broken (and cancelled). */
    public static final Duration STREAM_TIMEOUT = Duration.ofMinutes(2);

    private final BedrockRuntimeClient bedrock;
    private final Supplier<BedrockRuntimeAsyncClient> streaming;
    private final Duration streamTimeout;

    /** @param streaming built on first stream: a worker that never streams starts no event loop */
    public BedrockChatModel(BedrockRuntimeClient bedrock, Supplier<BedrockRuntimeAsyncClient> streaming,
            Duration streamTimeout) {
        this.bedrock = bedrock;
        this.streaming = streaming;
        this.streamTimeout = streamTimeout;
    }

    public BedrockChatModel(BedrockRuntimeClient bedrock, Supplier<BedrockRuntimeAsyncClient> streaming) {
        this(bedrock, streaming, STREAM_TIMEOUT);
    }

    public static BedrockChatModel fromEnvironment(AwsClients aws) {
        return new BedrockChatModel(BedrockChatClients.sync(aws), Lazy.of(() -> BedrockChatClients.async(aws)));
    }

    @Override
    public ChatReply reply(ChatRequest request) {
        long started = System.nanoTime();
        ConverseResponse response;
        try {
            response = bedrock.converse(converse(request));
        } catch (RuntimeException e) {
            throw BedrockFailures.classify(request.modelId(), e, false);
        }
        String text = response.output() == null || response.output().message() == null ? ""
                : text(response.output().message().content());
        String stopReason = response.stopReasonAsString();
        Long latency = response.metrics() == null ? null : response.metrics().latencyMs();
        return new ChatReply(text, PROVIDER, request.modelId(), true, usage(response.usage()), stopReason,
                intervention(request.guardrail(), stopReason, response.trace() == null ? null
                        : response.trace().guardrail()),
                latency != null ? latency : elapsedMs(started));
    }

    @Override
    public ChatReply stream(ChatRequest request, DeltaSink deltas) {
        long started = System.nanoTime();
        StreamedReply streamed = new StreamedReply(deltas);
        ConverseStreamResponseHandler handler = ConverseStreamResponseHandler.builder()
                .onResponse(r -> streamed.responded = true)
                .subscriber(ConverseStreamResponseHandler.Visitor.builder()
                        .onContentBlockDelta(e -> {
                            if (e.delta() != null && e.delta().text() != null) {
                                streamed.delta(e.delta().text());
                            }
                        })
                        .onMessageStop(e -> streamed.stopReason = e.stopReasonAsString())
                        .onMetadata(e -> {
                            streamed.usage = usage(e.usage());
                            streamed.latencyMs = e.metrics() == null ? null : e.metrics().latencyMs();
                            streamed.guardrail = e.trace() == null ? null : e.trace().guardrail();
                        })
                        .build())
                .build();
        CompletableFuture<Void> call = null;
        try {
            call = streaming.get().converseStream(converseStream(request), handler);
            call.get(streamTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            throw BedrockFailures.classify(request.modelId(), e, false);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof CompletionException c && c.getCause() != null ? c.getCause()
                    : e.getCause();
            if (cause instanceof RuntimeException sinkFailure && streamed.sinkFailed) {
                throw sinkFailure;
            }
            throw BedrockFailures.classify(request.modelId(), cause, streamed.responded);
        } catch (TimeoutException e) {
            // Abandoned and cancelled: no delta reaches the sink after the caller has been told the stream broke.
            streamed.abandoned = true;
            call.cancel(true);
            throw new ModelFailure(ModelFailure.Kind.STREAM_BROKEN, request.modelId() + ": no end of the stream in "
                    + streamTimeout.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            streamed.abandoned = true;
            call.cancel(true);
            Thread.currentThread().interrupt();
            throw new ModelFailure(ModelFailure.Kind.STREAM_BROKEN, "interrupted while streaming", e);
        }
        if (streamed.usage == null) {
            // The stream ended without its metadata event: what was sent cannot be accounted for.
            throw new ModelFailure(ModelFailure.Kind.STREAM_BROKEN, request.modelId()
                    + ": the stream ended without its metadata (usage)", null);
        }
        return new ChatReply(streamed.text.toString(), PROVIDER, request.modelId(), true, streamed.usage,
                streamed.stopReason, intervention(request.guardrail(), streamed.stopReason, streamed.guardrail),
                streamed.latencyMs != null ? streamed.latencyMs : elapsedMs(started));
    }

    /** What the stream's events said so far; events arrive one at a time, in order. */
    private static final class StreamedReply {

        final DeltaSink sink;
        final StringBuilder text = new StringBuilder();
        volatile boolean responded;
        volatile boolean abandoned;
        volatile boolean sinkFailed;
        volatile String stopReason;
        volatile dev.sluice.core.ai.TokenUsage usage;
        volatile Long latencyMs;
        volatile GuardrailTraceAssessment guardrail;

        StreamedReply(DeltaSink sink) {
            this.sink = sink;
        }

        void delta(String piece) {
            if (abandoned) {
                return;
            }
            text.append(piece);
            try {
                sink.accept(piece);
            } catch (RuntimeException e) {
                sinkFailed = true;
                throw e;
            }
        }
    }

    static ConverseRequest converse(ChatRequest request) {
        ConverseRequest.Builder converse = ConverseRequest.builder()
                .modelId(request.modelId())
                .messages(messages(request))
                .inferenceConfig(inference(request));
        if (request.system() != null) {
            converse.system(SystemContentBlock.fromText(request.system()));
        }
        Guardrail guardrail = request.guardrail();
        if (guardrail != null) {
            converse.guardrailConfig(GuardrailConfiguration.builder().guardrailIdentifier(guardrail.id())
                    .guardrailVersion(guardrail.version()).trace(GuardrailTrace.ENABLED).build());
        }
        return converse.build();
    }

    static ConverseStreamRequest converseStream(ChatRequest request) {
        ConverseStreamRequest.Builder converse = ConverseStreamRequest.builder()
                .modelId(request.modelId())
                .messages(messages(request))
                .inferenceConfig(inference(request));
        if (request.system() != null) {
            converse.system(SystemContentBlock.fromText(request.system()));
        }
        Guardrail guardrail = request.guardrail();
        if (guardrail != null) {
            converse.guardrailConfig(GuardrailStreamConfiguration.builder().guardrailIdentifier(guardrail.id())
                    .guardrailVersion(guardrail.version()).trace(GuardrailTrace.ENABLED).build());
        }
        return converse.build();
    }

    private static List<Message> messages(ChatRequest request) {
        return request.messages().stream()
                .map(m -> Message.builder()
                        .role(m.role() == ChatMessage.Role.USER ? ConversationRole.USER : ConversationRole.ASSISTANT)
                        .content(ContentBlock.fromText(m.text()))
                        .build())
                .toList();
    }

    private static InferenceConfiguration inference(ChatRequest request) {
        return InferenceConfiguration.builder().maxTokens(request.maxTokens())
                .temperature((float) request.temperature()).build();
    }

    private static String text(List<ContentBlock> content) {
        StringBuilder text = new StringBuilder();
        for (ContentBlock block : content) {
            if (block.text() != null) {
                text.append(block.text());
            }
        }
        return text.toString();
    }

    private static dev.sluice.core.ai.TokenUsage usage(TokenUsage usage) {
        if (usage == null) {
            return dev.sluice.core.ai.TokenUsage.NONE;
        }
        return new dev.sluice.core.ai.TokenUsage(orZero(usage.inputTokens()), orZero(usage.outputTokens()),
                orZero(usage.cacheReadInputTokens()), orZero(usage.cacheWriteInputTokens()));
    }

    private static ChatReply.GuardrailIntervention intervention(Guardrail guardrail, String stopReason,
            GuardrailTraceAssessment trace) {
        if (!GUARDRAIL_INTERVENED.equals(stopReason)) {
            return null;
        }
        return new ChatReply.GuardrailIntervention(guardrail == null ? null : guardrail.id(),
                GuardrailPolicies.intervened(trace));
    }

    private static int orZero(Integer n) {
        return n == null ? 0 : n;
    }

    private static long elapsedMs(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }
}
