package dev.sluice.local.stepfunctions.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.sluice.core.json.Json;
import dev.sluice.local.stepfunctions.asl.IntrinsicNode.Call;
import dev.sluice.local.stepfunctions.asl.IntrinsicNode.Literal;
import dev.sluice.local.stepfunctions.asl.IntrinsicNode.Path;
import dev.sluice.local.stepfunctions.asl.IntrinsicNode.Text;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Recursive descent over the intrinsic grammar:
 *
 * <pre>
 * expression := call END
 * call       := "States." NAME "(" [ argument ( "," argument )* ] ")"
 * argument   := call | string | number | "true" | "false" | "null" | path
 * string     := "'" ( char | "\'" | "\{" | "\}" | "\\" )* "'"
 * path       := "$" ... up to the "," or ")" that closes the argument
 * </pre>
 *
 * Every failure is an {@link IllegalArgumentException} whose message quotes the position, so a definition
 * author can find the mistake in a long expression.
 */
final class IntrinsicParser {

    /** AWS: "You can nest up to 10 intrinsic functions within a field"; its own example counts every call. */
    static final int MAX_CALLS = 10;

    private static final Pattern JSON_NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

    private final String source;
    private int pos;
    private int calls;

    private IntrinsicParser(String source) {
        this.source = source;
    }

    static Call parse(String expression) {
        if (expression == null) {
            throw new IllegalArgumentException("intrinsic function expression is missing");
        }
        IntrinsicParser parser = new IntrinsicParser(expression);
        parser.skipSpaces();
        Call call = parser.call();
        parser.skipSpaces();
        if (!parser.atEnd()) {
            throw parser.error("unexpected text after the closing ')'");
        }
        return call;
    }

    private Call call() {
        int start = pos;
        while (!atEnd() && (Character.isLetterOrDigit(peek()) || peek() == '.')) {
            pos++;
        }
        String name = source.substring(start, pos);
        if (name.isEmpty()) {
            throw error("expected an intrinsic function such as States.Format(...)");
        }
        IntrinsicFunction function = IntrinsicFunction.named(name)
                .orElseThrow(() -> new IllegalArgumentException("unknown intrinsic function '" + name
                        + "' in " + quoted()));
        if (++calls > MAX_CALLS) {
            throw new IllegalArgumentException("more than " + MAX_CALLS
                    + " intrinsic functions nested in one field: " + quoted());
        }
        skipSpaces();
        expect('(');
        List<IntrinsicNode> args = new ArrayList<>();
        skipSpaces();
        if (!atEnd() && peek() == ')') {
            pos++;
        } else {
            while (true) {
                skipSpaces();
                args.add(argument());
                skipSpaces();
                if (atEnd()) {
                    throw error("missing ')' to close " + name);
                }
                char c = source.charAt(pos++);
                if (c == ')') {
                    break;
                }
                if (c != ',') {
                    pos--;
                    throw error("expected ',' or ')' in the arguments of " + name);
                }
            }
        }
        checkArity(function, args);
        return new Call(function, List.copyOf(args));
    }

    private static void checkArity(IntrinsicFunction function, List<IntrinsicNode> args) {
        if (args.size() < function.minArgs || args.size() > function.maxArgs) {
            throw new IllegalArgumentException(function.awsName + " takes " + function.arity() + ", got "
                    + args.size());
        }
        // A literal template fixes the placeholder count at load time, so the mismatch can be reported then.
        if (function == IntrinsicFunction.FORMAT && args.get(0) instanceof Text template
                && template.placeholders() != args.size() - 1) {
            throw new IllegalArgumentException("States.Format: the template has " + template.placeholders()
                    + " {} placeholder(s) but " + (args.size() - 1) + " argument(s) follow it");
        }
    }

    private IntrinsicNode argument() {
        if (atEnd()) {
            throw error("expected an argument");
        }
        char c = peek();
        if (c == '\'') {
            return text();
        }
        if (c == '$') {
            return path();
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
            return number();
        }
        if (Character.isLetter(c)) {
            int start = pos;
            while (!atEnd() && (Character.isLetterOrDigit(peek()) || peek() == '.')) {
                pos++;
            }
            String word = source.substring(start, pos);
            switch (word) {
                case "true":
                    return new Literal(BooleanNode.TRUE);
                case "false":
                    return new Literal(BooleanNode.FALSE);
                case "null":
                    return new Literal(NullNode.getInstance());
                default:
                    pos = start;
                    return call();
            }
        }
        throw error("expected a string, number, true, false, null, path or intrinsic function");
    }

    private Text text() {
        int start = pos;
        pos++; // opening quote
        StringBuilder current = new StringBuilder();
        StringBuilder whole = new StringBuilder();
        List<String> pieces = new ArrayList<>();
        while (true) {
            if (atEnd()) {
                pos = start;
                throw error("unterminated string");
            }
            char c = source.charAt(pos++);
            if (c == '\'') {
                break;
            }
            if (c == '\\') {
                if (atEnd() || "'{}\\".indexOf(peek()) < 0) {
                    pos--;
                    throw error("open escape: '\\' must be followed by ', {, } or \\");
                }
                c = source.charAt(pos++);
            } else if (c == '{') {
                // The reserved braces only stand unescaped as the {} placeholder pair.
                if (atEnd() || peek() != '}') {
                    pos--;
                    throw error("unescaped '{' (write \\{ for a literal brace)");
                }
                pos++;
                pieces.add(current.toString());
                current.setLength(0);
                whole.append("{}");
                continue;
            } else if (c == '}') {
                pos--;
                throw error("unescaped '}' (write \\} for a literal brace)");
            }
            current.append(c);
            whole.append(c);
        }
        pieces.add(current.toString());
        return new Text(whole.toString(), List.copyOf(pieces));
    }

    /**
     * A path runs to the ',' or ')' that ends the argument; brackets and quotes inside it (filters, quoted
     * member names such as {@code $.abc.['def ghi']}) may hold those characters, so they are skipped whole.
     */
    private Path path() {
        int start = pos;
        Deque<Character> open = new ArrayDeque<>();
        while (!atEnd()) {
            char c = peek();
            if (c == '\'' || c == '"') {
                skipQuoted(c);
                continue;
            }
            if (c == '[' || c == '(') {
                open.push(c == '[' ? ']' : ')');
            } else if (c == ']' || c == ')') {
                if (open.isEmpty() && c == ')') {
                    break;
                }
                if (open.isEmpty() || open.pop() != c) {
                    throw error("unbalanced brackets in path '" + source.substring(start, pos + 1) + "'");
                }
            } else if (open.isEmpty() && (c == ',' || Character.isWhitespace(c))) {
                break;
            }
            pos++;
        }
        if (!open.isEmpty()) {
            throw error("unbalanced brackets in path '" + source.substring(start, pos) + "'");
        }
        return new Path(source.substring(start, pos));
    }

    private void skipQuoted(char quote) {
        int start = pos++;
        while (!atEnd() && peek() != quote) {
            if (peek() == '\\') {
                pos++;
            }
            pos++;
        }
        if (atEnd()) {
            pos = start;
            throw error("unterminated quoted name in path");
        }
        pos++;
    }

    private Literal number() {
        int start = pos;
        while (!atEnd() && "+-.eE0123456789".indexOf(peek()) >= 0) {
            pos++;
        }
        String token = source.substring(start, pos);
        if (!JSON_NUMBER.matcher(token).matches()) {
            pos = start;
            throw error("malformed number '" + token + "'");
        }
        JsonNode value = Json.parse(token);
        return new Literal(value);
    }

    private void expect(char c) {
        if (atEnd() || peek() != c) {
            throw error("expected '" + c + "'");
        }
        pos++;
    }

    private void skipSpaces() {
        while (!atEnd() && Character.isWhitespace(peek())) {
            pos++;
        }
    }

    private boolean atEnd() {
        return pos >= source.length();
    }

    private char peek() {
        return source.charAt(pos);
    }

    private String quoted() {
        return "'" + source + "'";
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException(what + " at position " + pos + " of " + quoted());
    }
}
