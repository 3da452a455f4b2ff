package dev.sluice.workers.bedrock;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.services.bedrockruntime.model.GuardrailAssessment;
import software.amazon.awssdk.services.bedrockruntime.model.GuardrailTraceAssessment;

/**
 * Which policies of a guardrail acted, read from the trace of a call it intervened in, as
 * {@code policy:what} ({@code contentPolicy:HATE}, {@code topicPolicy:Investment advice},
 * {@code sensitiveInformationPolicy:EMAIL}, ...), input assessment first, each once. A filter whose
 * action is {@code NONE} detected something it was not told to act on, and is left out.
 */
final class GuardrailPolicies {

    private GuardrailPolicies() {
    }

    static List<String> intervened(GuardrailTraceAssessment trace) {
        Set<String> policies = new LinkedHashSet<>();
        if (trace == null) {
            return List.of();
        }
        if (trace.hasInputAssessment()) {
            trace.inputAssessment().values().forEach(a -> add(a, policies));
        }
        if (trace.hasOutputAssessments()) {
            trace.outputAssessments().values().forEach(list -> list.forEach(a -> add(a, policies)));
        }
        return List.copyOf(policies);
    }

    private static void add(GuardrailAssessment assessment, Set<String> policies) {
        if (assessment.contentPolicy() != null) {
            assessment.contentPolicy().filters().stream().filter(f -> acted(f.actionAsString()))
                    .forEach(f -> policies.add("contentPolicy:" + f.typeAsString()));
        }
        if (assessment.topicPolicy() != null) {
            assessment.topicPolicy().topics().stream().filter(t -> acted(t.actionAsString()))
                    .forEach(t -> policies.add("topicPolicy:" + t.name()));
        }
        if (assessment.wordPolicy() != null) {
            assessment.wordPolicy().customWords().stream().filter(w -> acted(w.actionAsString()))
                    .forEach(w -> policies.add("wordPolicy:CUSTOM_WORD"));
            assessment.wordPolicy().managedWordLists().stream().filter(w -> acted(w.actionAsString()))
                    .forEach(w -> policies.add("wordPolicy:" + w.typeAsString()));
        }
        if (assessment.sensitiveInformationPolicy() != null) {
            assessment.sensitiveInformationPolicy().piiEntities().stream().filter(p -> acted(p.actionAsString()))
                    .forEach(p -> policies.add("sensitiveInformationPolicy:" + p.typeAsString()));
            assessment.sensitiveInformationPolicy().regexes().stream().filter(r -> acted(r.actionAsString()))
                    .forEach(r -> policies.add("sensitiveInformationPolicy:" + r.name()));
        }
        if (assessment.contextualGroundingPolicy() != null) {
            assessment.contextualGroundingPolicy().filters().stream().filter(f -> acted(f.actionAsString()))
                    .forEach(f -> policies.add("contextualGroundingPolicy:" + f.typeAsString()));
        }
    }

    private static boolean acted(String action) {
        return action != null && !action.equals("NONE");
    }
}
