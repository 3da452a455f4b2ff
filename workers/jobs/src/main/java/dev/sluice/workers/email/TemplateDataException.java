package dev.sluice.workers.email;

/** The data given to a template lacks a value the template uses. */
public final class TemplateDataException extends Exception {

    private final String templateId;
    private final String variable;

    public TemplateDataException(String templateId, String file, String variable, int line, Throwable cause) {
        super("email template \"" + templateId + "\": " + file + " line " + line + " uses \"" + variable
                + "\", which the data does not provide", cause);
        this.templateId = templateId;
        this.variable = variable;
    }

    public String templateId() {
        return templateId;
    }

    public String variable() {
        return variable;
    }
}
