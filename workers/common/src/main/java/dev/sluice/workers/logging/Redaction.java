package dev.sluice.workers.logging;

import com.fasterxml.jackson.core.JsonStreamContext;
import java.util.regex.Pattern;
import net.logstash.logback.mask.MaskingJsonGeneratorDecorator;
import net.logstash.logback.mask.ValueMasker;

/**
 * The one redaction every JSON log encoder applies (Lambda's {@code logback.xml}, the local runtime's
 * {@code DIR/logs} files, the tests' {@code logback-test.xml}), so no caller has to remember it. It
 * sits between the encoder and its JSON generator, so it sees every string of a line: the message,
 * key-value pairs, MDC entries and the stack trace.
 * <ul>
 * <li>whole values of members named like bodies and secrets, at any depth: a prompt (ai.request's
 * {@code input}), an e-mail's recipients, subject, body and template data, payloads, keys;</li>
 * <li>anywhere in any string: e-mail addresses and Sluice API keys ({@code sk_} and 43 base64url
 * characters, as {@code dev.sluice.core.keys.ApiKeys} issues them).</li>
 * </ul>
 */
public final class Redaction extends MaskingJsonGeneratorDecorator {

    public static final String MASK = "****";

    /** Member names whose values are never written. */
    public static final String FIELDS = "prompt,input,messages,body,text,html,subject,to,cc,bcc,data,templateData,"
            + "payload,secret,apiKey,api_key,x-api-key,apikey,password,authorization,Authorization,token";

    private static final Pattern EMAIL = Pattern.compile(
            "[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                    + "(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+");
    private static final Pattern API_KEY = Pattern.compile("(?<![A-Za-z0-9_-])sk_[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])");

    public Redaction() {
        setDefaultMask(MASK);
        addPaths(FIELDS);
        addValueMasker(new InText());
    }

    /** {@code text} with every e-mail address and API key in it masked. */
    public static String redact(String text) {
        if (text.indexOf('@') < 0 && !text.contains("sk_")) {
            return text; // the common case, without running the patterns
        }
        String masked = EMAIL.matcher(text).replaceAll(MASK);
        return API_KEY.matcher(masked).replaceAll(MASK);
    }

    /** Masks what a string value contains, wherever the string is. */
    private static final class InText implements ValueMasker {
        @Override
        public Object mask(JsonStreamContext context, Object value) {
            if (value instanceof CharSequence text) {
                String original = text.toString();
                String masked = redact(original);
                return masked.equals(original) ? null : masked;
            }
            return null;
        }
    }
}
