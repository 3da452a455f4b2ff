package dev.sluice.workers.email;

/** No email template has the requested id. */
public final class UnknownTemplateException extends Exception {

    private final String templateId;

    public UnknownTemplateException(String templateId) {
        super("no email template \"" + templateId + "\" (a template needs subject.mustache and text.mustache)");
        this.templateId = templateId;
    }

    public String templateId() {
        return templateId;
    }
}
