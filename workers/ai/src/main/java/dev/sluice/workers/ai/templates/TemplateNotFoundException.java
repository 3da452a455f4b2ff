package dev.sluice.workers.ai.templates;

import dev.sluice.core.failure.PortFailure;

/** A job names a template, or a version of one, that does not exist: it can never succeed. */
public final class TemplateNotFoundException extends PortFailure {

    public TemplateNotFoundException(String name, Integer version) {
        super("template_not_found", version == null ? "no prompt template " + name
                : "no version " + version + " of prompt template " + name, false, null);
    }
}
