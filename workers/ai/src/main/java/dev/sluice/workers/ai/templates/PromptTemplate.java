package dev.sluice.workers.ai.templates;

/**
 * One version of a prompt template: its system prompt (null for none) and its user turn, both
 * Mustache, rendered with the job's {@code input} and {@code variables}.
 */
public record PromptTemplate(String name, int version, String system, String user) {

    /** {@code name@version}, as the cache and the job's result name it. */
    public String id() {
        return name + "@" + version;
    }
}
