package dev.sluice.local.apigw;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Query strings decoded strictly: what does not decode to UTF-8 text ({@code %zz}, a lone
 * {@code %}, {@code %ff}) is refused instead of guessed at, as {@code URLDecoder} and Jetty's
 * query parser do by substituting U+FFFD or throwing halfway through: an integration never gets a
 * half-decoded query. {@code %00} is well-formed and decodes to U+0000. (Paths need no such care:
 * Jetty refuses a path that does not decode before any handler sees it.)
 */
final class QueryString {

    /** The client's query string cannot be decoded; the message says why. */
    static final class UndecodableException extends RuntimeException {

        UndecodableException(String message) {
            super(message, null, false, false);
        }
    }

    private QueryString() {
    }

    /**
     * The parameters of a raw query string in order, each name's values in order; {@code +} is a
     * space, as HTML forms write it. Null or empty gives no parameters; empty pairs are skipped.
     */
    static Map<String, List<String>> parse(String raw) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return params;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            params.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return params;
    }

    private static String decode(String raw) {
        StringBuilder text = new StringBuilder(raw.length());
        int i = 0;
        while (i < raw.length()) {
            char c = raw.charAt(i);
            if (c != '%') {
                text.append(c == '+' ? ' ' : c);
                i++;
                continue;
            }
            // A run of escapes decodes as one byte sequence: a character may span several.
            ByteBuffer bytes = ByteBuffer.allocate(raw.length());
            while (i < raw.length() && raw.charAt(i) == '%') {
                if (i + 2 >= raw.length() || !HexFormat.isHexDigit(raw.charAt(i + 1))
                        || !HexFormat.isHexDigit(raw.charAt(i + 2))) {
                    throw new UndecodableException("The query string has an invalid percent-escape \""
                            + raw.substring(i, Math.min(i + 3, raw.length())) + "\"");
                }
                bytes.put((byte) HexFormat.fromHexDigits(raw, i + 1, i + 3));
                i += 3;
            }
            try {
                text.append(StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(bytes.flip()));
            } catch (CharacterCodingException e) {
                throw new UndecodableException("The query string has percent-escapes that are not UTF-8: \"" + raw
                        + "\"");
            }
        }
        return text.toString();
    }
}
