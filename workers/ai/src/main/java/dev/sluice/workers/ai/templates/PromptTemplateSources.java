package dev.sluice.workers.ai.templates;

import dev.sluice.core.aws.AwsClients;
import dev.sluice.workers.config.S3Access;
import dev.sluice.workers.config.Setting;

/** The prompt templates a function's environment names: the build's, or the templates bucket's. */
public final class PromptTemplateSources {

    private PromptTemplateSources() {
    }

    /** Reads both settings at once, so a function that declares them but misnames one fails when it starts. */
    public static PromptTemplates fromEnvironment(AwsClients aws) {
        String source = Setting.PROMPT_TEMPLATES.from(aws);
        String bucket = Setting.TEMPLATES_BUCKET.from(aws);
        return switch (source) {
            case "bundled" -> PromptTemplates.bundled();
            case "s3" -> PromptTemplates.s3(S3Access.client(aws), bucket);
            default -> throw new IllegalStateException("PROMPT_TEMPLATES must be bundled or s3, not \"" + source
                    + "\"");
        };
    }
}
