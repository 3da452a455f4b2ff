package dev.sluice.core.ai;

/**
 * A model's answer, labelled with who produced it; {@code generative} is false for the offline
 * local provider, so nobody mistakes its text for a model's.
 *
 * @param stopReason as the provider says it: {@code end_turn}, {@code max_tokens},
 *     {@code guardrail_intervened}, ...
 * @param intervention the guardrail's policies that intervened; null when none did
 * @param latencyMs the provider's own figure when it reports one, otherwise measured around the call
 */
public record ChatReply(String text, String provider, String model, boolean generative, TokenUsage usage,
        String stopReason, GuardrailIntervention intervention, long latencyMs) {

    /** Which guardrail stepped in and which of its policies (e.g. {@code contentPolicy:HATE}). */
    public record GuardrailIntervention(String guardrailId, java.util.List<String> policies) {

        public GuardrailIntervention {
            policies = java.util.List.copyOf(policies);
        }
    }
}
