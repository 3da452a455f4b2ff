package dev.sluice.core.ai;

/** The port to a chat model: Bedrock Converse on AWS, an offline provider locally. */
public interface ChatModel {

    /**
     * @throws dev.sluice.core.failure.PortFailure when the model did not answer: retryable (throttled,
     *     timed out, unavailable) or permanent (the request was refused)
     */
    ChatReply reply(ChatRequest request);
}
