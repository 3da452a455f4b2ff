package dev.sluice.core.ai;

/** One AI request: which assistant process, the user's input, and the conversation it belongs to. */
public record ChatRequest(String process, String input, String sessionId) {
}
