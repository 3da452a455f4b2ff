package dev.sluice.workers.ai.templates;

import dev.sluice.core.failure.PortFailure;

/** The template uses a variable the job did not give: the same job fails the same way every time. */
public final class TemplateRenderException extends PortFailure {

    public TemplateRenderException(String template, String file, String variable, int line) {
        super("template_variable_missing", "prompt template " + template + " (" + file + ", line " + line
                + ") uses variable " + variable + ", which the job's variables lack", false, null);
    }
}
