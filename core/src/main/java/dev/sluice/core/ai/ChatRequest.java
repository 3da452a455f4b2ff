package dev.sluice.core.ai;

import java.util.List;

/**
 * One call to a chat model: the model (a model or inference-profile id), the system prompt, the
 * conversation ending with the user's turn, and how to sample.
 *
 * @param system null for none
 * @param guardrail null for none
 */
public record ChatRequest(String modelId, String system, List<ChatMessage> messages, double temperature,
        int maxTokens, Guardrail guardrail) {

    public ChatRequest {
        messages = List.copyOf(messages);
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("a chat request needs at least one message");
        }
    }

    /** The same request to another model: a fallback or a canary. */
    public ChatRequest withModel(String otherModelId) {
        return new ChatRequest(otherModelId, system, messages, temperature, maxTokens, guardrail);
    }

    /** The last user turn: the input the request is about. */
    public String input() {
        return messages.get(messages.size() - 1).text();
    }
}
