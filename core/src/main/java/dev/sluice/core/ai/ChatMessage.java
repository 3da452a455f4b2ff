package dev.sluice.core.ai;

/** One turn of a conversation. */
public record ChatMessage(Role role, String text) {

    public enum Role {
        USER, ASSISTANT;

        /** As Bedrock and OpenAI write it. */
        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static ChatMessage user(String text) {
        return new ChatMessage(Role.USER, text);
    }

    public static ChatMessage assistant(String text) {
        return new ChatMessage(Role.ASSISTANT, text);
    }
}
