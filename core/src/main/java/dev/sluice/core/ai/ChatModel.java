package dev.sluice.core.ai;

/**
 * The port to a chat model: Bedrock Converse/ConverseStream on AWS; locally an offline extractive
 * provider or a user's own OpenAI-compatible server.
 *
 * <p>Every failure is a {@link dev.sluice.core.failure.PortFailure}; a model's own refusal or trouble
 * is a {@link ModelFailure}, which also says what kind it was (throttled, timed out, ...) so the
 * gateway's retries, circuit breakers and fallbacks can tell them apart.
 */
public interface ChatModel {

    /** One whole answer. */
    ChatReply reply(ChatRequest request);

    /**
     * The answer as it is generated: each piece of text goes to {@code deltas} in order, then the whole
     * reply (usage from the stream's own metadata) is returned. A failure midway throws after some
     * deltas were sent; what the client sees then is the caller's business ({@link DeltaSink#reset}).
     * A model that cannot stream answers whole and sends its text as one delta.
     */
    default ChatReply stream(ChatRequest request, DeltaSink deltas) {
        ChatReply reply = reply(request);
        deltas.accept(reply.text());
        return reply;
    }
}
