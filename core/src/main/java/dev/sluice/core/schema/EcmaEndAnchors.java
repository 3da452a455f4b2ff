package dev.sluice.core.schema;

import com.networknt.schema.regex.RegularExpression;
import com.networknt.schema.regex.RegularExpressionFactory;
import java.util.regex.Pattern;

/**
 * JSON Schema's {@code pattern} is an ECMA-262 regular expression, in which {@code $} (without the
 * multiline flag) matches only at the end of the input. java.util.regex's {@code $} also matches
 * before a final line terminator, so {@code "^[^/]+\\.pdf$"} would accept {@code "a.pdf\n"}, a
 * value that then breaks a header or a signed URL. This compiles each pattern with java.util.regex
 * after turning every end anchor {@code $} (unescaped, outside a character class) into {@code \z}.
 */
final class EcmaEndAnchors implements RegularExpressionFactory {

    static final EcmaEndAnchors INSTANCE = new EcmaEndAnchors();

    private EcmaEndAnchors() {
    }

    @Override
    public RegularExpression getRegularExpression(String regex) {
        Pattern pattern = Pattern.compile(strictEnd(regex));
        return value -> pattern.matcher(value).find();
    }

    static String strictEnd(String regex) {
        StringBuilder out = new StringBuilder(regex.length() + 4);
        boolean inClass = false;
        for (int i = 0; i < regex.length(); i++) {
            char c = regex.charAt(i);
            if (c == '\\' && i + 1 < regex.length()) {
                out.append(c).append(regex.charAt(++i));
            } else if (c == '[') {
                inClass = true;
                out.append(c);
            } else if (c == ']') {
                inClass = false;
                out.append(c);
            } else if (c == '$' && !inClass) {
                out.append("\\z");
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
