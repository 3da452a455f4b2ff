package dev.sluice.core.ai;

/** The port to a chat model: Bedrock Converse on AWS, an offline provider locally. */
public interface ChatModel {

    ChatReply reply(ChatRequest request) throws ChatModelException;
}
